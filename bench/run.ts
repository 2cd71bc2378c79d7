// `npm run bench`: the engine against bare ONNX Runtime, per stage, scaling with size and steps, and memory across
// jobs, in Node; the browser figures (Chromium WASM through the worker, WebGPU, the model store) come from the
// scripts it then runs unless --node-only. Prints tables and writes bench/results/<section>.json (+ SVG charts).
// `--quick` (under a minute, part of npm test so the benchmark can't rot) runs every Node section small and skips
// the browser ones; `--node-only` runs the Node sections at full size.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTinyModels } from '../scripts/tinyModels';
import { TEST_MODELS_DIR } from '../test/testModelsDir';
import { browserOverhead } from './browserOverhead';
import { nodeOverhead } from './nodeOverhead';
import { lineChart, nodeMemory, nodeScaling } from './nodeScaling';
import { format, range } from './stats';

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export interface BenchOptions {
  quick: boolean;
}

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}`);
}

export async function runNodeBench({ quick }: BenchOptions) {
  await generateTinyModels(TEST_MODELS_DIR, undefined);
  const modelDir = join(TEST_MODELS_DIR, 'tiny-sd');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const shape = quick ? { size: 256, steps: 6, guidance: 7.5 } : { size: 512, steps: 25, guidance: 7.5 };
  const schedulers = quick ? ['DPMSolverMultistep', 'K_EULER_ANCESTRAL'] : ['DPMSolverMultistep', 'K_EULER', 'K_EULER_ANCESTRAL', 'DDIM', 'LCMScheduler'];
  const overhead = await nodeOverhead(modelDir, { pairs: quick ? 3 : 9, shape, schedulers });
  table(
    `Engine over bare ONNX Runtime, Node (${shape.size}², ${shape.steps} steps, guidance ${shape.guidance}; median (min–max) of ${quick ? 3 : 9} A/B pairs)`,
    ['scheduler', 'engine / bare', 'engine ms', 'bare ms'],
    overhead.rows.map((r) => [r.scheduler, range(r.ratio, 3), range(r.engineMs, 0), range(r.bareMs, 0)]),
  );
  table('Per stage, Node (ms; median (min–max))', ['stage', 'ms'], overhead.stages.map((s) => [s.stage, range(s.ms, 2)]));

  const scaling = await nodeScaling(modelDir, quick ? { sizes: [64, 256], steps: [1, 4] } : { sizes: [64, 128, 256, 512, 768, 1024], steps: [1, 5, 10, 25, 50] });
  table('Time per step against size, Node', ['size', 'ms per step'], scaling.perStepBySize.map((p) => [`${p.x}²`, format(p.ms)]));
  table('Total against steps (256²), Node', ['steps', 'ms'], scaling.totalBySteps.map((p) => [String(p.x), format(p.ms, 0)]));
  const memory = await nodeMemory(modelDir, quick ? 4 : 20);
  table('Memory across jobs, Node (512², 4 steps)', ['job', 'RSS MB', 'JS heap MB'], memory.filter((_, i) => i === 0 || i === memory.length - 1 || i % 5 === 4).map((m) => [String(m.job), format(m.rssMb, 0), format(m.heapMb, 1)]));

  const stamp = new Date().toISOString();
  const write = (name: string, data: unknown) => writeFileSync(join(RESULTS_DIR, `${name}${quick ? '.quick' : ''}.json`), `${JSON.stringify({ stamp, quick, ...((data as object) ?? {}) }, null, 2)}\n`);
  write('node-overhead', { shape, ...overhead });
  write('node-scaling', scaling);
  write('node-memory', { jobs: memory });
  if (!quick) {
    writeFileSync(join(RESULTS_DIR, 'node-step-vs-size.svg'), lineChart('Tiny model, Node: time per UNet step', 'image size (px)', 'ms per step', scaling.perStepBySize));
    writeFileSync(join(RESULTS_DIR, 'node-total-vs-steps.svg'), lineChart('Tiny model, Node: total time (256²)', 'steps', 'ms', scaling.totalBySteps));
  }
  return { overhead, scaling, memory };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const quick = process.argv.includes('--quick');
  const started = performance.now();
  await runNodeBench({ quick });
  console.log(`\nNode sections done in ${((performance.now() - started) / 1000).toFixed(1)} s; results in ${RESULTS_DIR}`);
  // The browser sections build the app and drive Chromium: minutes, so not in --quick (which npm test runs).
  if (!quick && !process.argv.includes('--node-only')) {
    const shape = { size: 512, steps: 25, guidance: 7.5 };
    const browser = await browserOverhead({ ...shape, schedulers: ['DPMSolverMultistep', 'K_EULER', 'K_EULER_ANCESTRAL', 'DDIM'], pairs: 7 });
    table(
      `Engine over bare onnxruntime-web, Chromium ${browser.chromium} WASM in a worker (${shape.size}², ${shape.steps} steps, guidance ${shape.guidance}; 7 A/B pairs)`,
      ['threads', 'scheduler', 'engine / bare', 'engine ms', 'bare ms'],
      browser.rows.map((r) => [String(r.threads), r.scheduler, range(r.ratio, 3), range(r.engineMs, 0), range(r.bareMs, 0)]),
    );
    writeFileSync(join(RESULTS_DIR, 'browser-overhead.json'), `${JSON.stringify({ stamp: new Date().toISOString(), shape, ...browser }, null, 2)}\n`);
    for (const script of ['bench:engine', 'bench:browser', 'bench:store']) execFileSync('npm', ['run', script], { stdio: 'inherit' });
  }
}
