// Real-size generations on real WebGPU hardware, compared with onnxruntime-node on the same machine: SD-Turbo 1 step
// 512² and SD 1.5 25 steps 512² with guidance, each decoded by the full VAE and by TAESD, as bare loops over the
// synthetic real-size graphs (scripts/realSizeModels/bareGenerationLoop.ts). Writes bench-results/webgpu-real-size.json.
//
// ## Running it on a GPU machine (prepared here; this CI machine has no GPU, only SwiftShader, which the script refuses)
// One command, from a checkout with `npm ci` done and Chromium installed (`apt-get install -y chromium`):
//     npx tsx scripts/benchWebGpu.ts --work /tmp/realsize [--node-steps 2] [--repeats 2]
// 1. Writes the model folders it lacks under --work with `models:real-size` (random weights, ~1 min per GB; about
//    12 GB of disk): sd-turbo-fp16, sd15-fp16 for the browser (fp16 needs the adapter's `shader-f16`; without it the
//    fp32 folders are used and the report says so), sd-turbo-fp32, sd15-fp32 for Node.
// 2. Serves them cross-origin isolated and runs each job in headless Chromium on `onnxruntime-web/webgpu`, with
//    `--repeats` runs per job (the first compiles shaders; the median of the rest is reported). Chromium gets the
//    Vulkan flags headless GPU servers need; pass more with --chromium-arg. The adapter's vendor/architecture are
//    recorded, and a fallback (SwiftShader) adapter stops the run: its numbers would mean nothing.
// 3. Runs the same loops in onnxruntime-node on the CPU (all cores, spinning off). SD 1.5's 50 CPU UNet evaluations
//    would take many minutes, so Node runs --node-steps steps (default 2) and the 25-step time is extrapolated from
//    its per-step median (stated in the output).
// Device budget: with the models already written, expect ~3–6 minutes on one GPU (mostly session creation).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { runBareGeneration, type GenerationPlan, type GenerationTimes } from './realSizeModels/bareGenerationLoop';
import { median } from './realSizeModels/benchTiming';
import type { RealSizeBenchApi } from './realSizeModels/browserBenchPage';
import { launchChromium, startBenchServer } from './realSizeModels/browserBenchServer';
import { nodeLoopSession, nodeSessionOptions } from './realSizeModels/nodeRealSizeBench';

const { values: args } = parseArgs({
  options: {
    work: { type: 'string', default: '/tmp/realsize' },
    'node-steps': { type: 'string', default: '2' },
    repeats: { type: 'string', default: '2' },
    'chromium-arg': { type: 'string', multiple: true, default: [] },
    'skip-node': { type: 'boolean', default: false },
  },
});
const GPU_ARGS = ['--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan', '--use-angle=vulkan', '--use-vulkan=native', '--ignore-gpu-blocklist', '--disable-vulkan-surface'];
const repeats = Number(args.repeats);
const work = args.work!;
const PORT = 5192;

interface Job {
  name: string;
  variant: 'sd-turbo' | 'sd15';
  plan: GenerationPlan;
}
const JOBS: Job[] = (['vae_decoder', 'taesd_decoder'] as const).flatMap((decoder) => [
  { name: `SD-Turbo 1 step 512² (${decoder})`, variant: 'sd-turbo' as const, plan: { steps: 1, guidance: false, decoder, latentSize: 64 } },
  { name: `SD 1.5 25 steps 512² guidance (${decoder})`, variant: 'sd15' as const, plan: { steps: 25, guidance: true, decoder, latentSize: 64 } },
]);

function ensureModels(variant: string, dtype: 'fp16' | 'fp32'): string {
  const dir = join(work, `${variant}-${dtype}`);
  if (!existsSync(join(dir, 'real-size-models.json'))) {
    execFileSync('node_modules/.bin/tsx', ['scripts/realSizeModels/writeRealSizeModels.ts', '--out', dir, '--variant', variant, '--dtype', dtype], { stdio: 'inherit' });
  }
  return dir;
}

type BrowserJob = { job: string; dtype: string; sessionCreateMs: number; runs: GenerationTimes[]; totalMs: number; unetStepMs: number };
const summarise = (runs: GenerationTimes[]) => {
  const measured = runs.length > 1 ? runs.slice(1) : runs;
  return { totalMs: median(measured.map((r) => r.totalMs)), unetStepMs: median(measured.map((r) => r.medianUnetStepMs)) };
};

async function openBenchPage(browser: Browser, origin: string) {
  const page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => 'realSizeBench' in self);
  const info = await page.evaluate(() => (self as unknown as { realSizeBench: RealSizeBenchApi }).realSizeBench.init('webgpu', 1));
  return { page, info };
}

/** The adapter Chromium gives, refused when it is missing or a fallback; fp16 folders when it has shader-f16. */
async function probeAdapter(browser: Browser) {
  const server = await startBenchServer(work, PORT);
  const { page, info } = await openBenchPage(browser, server.origin);
  await page.close();
  await server.close();
  if (!info.adapter) throw new Error('no WebGPU adapter: check the GPU driver, Vulkan and the Chromium flags');
  const description = JSON.stringify(info.adapter.info ?? {});
  if (/swiftshader/i.test(description)) throw new Error(`fallback adapter ${description}: SwiftShader numbers mean nothing here`);
  return { adapter: info.adapter, dtype: info.adapter.shaderF16 ? ('fp16' as const) : ('fp32' as const) };
}

async function browserJobs(): Promise<{ adapter: unknown; jobs: BrowserJob[] }> {
  mkdirSync(work, { recursive: true });
  const browser = await launchChromium([...GPU_ARGS, ...args['chromium-arg']!]);
  const jobs: BrowserJob[] = [];
  try {
    const { adapter, dtype } = await probeAdapter(browser);
    console.log(`WebGPU adapter ${JSON.stringify(adapter)}: ${dtype} models`);
    for (const job of JOBS) {
      const server = await startBenchServer(ensureModels(job.variant, dtype), PORT);
      const { page } = await openBenchPage(browser, server.origin);
      try {
        const result = await page.evaluate(([plan, n]) => (self as unknown as { realSizeBench: RealSizeBenchApi }).realSizeBench.generation(plan, 'webgpu', n), [job.plan, repeats] as const);
        jobs.push({ job: job.name, dtype, sessionCreateMs: result.sessionCreateMs, runs: result.runs, ...summarise(result.runs) });
        console.log(`webgpu ${job.name}: ${(jobs.at(-1)!.totalMs / 1000).toFixed(2)} s (UNet step ${jobs.at(-1)!.unetStepMs.toFixed(0)} ms)`);
      } finally {
        await page.close();
        await server.close();
      }
    }
    return { adapter, jobs };
  } finally {
    await browser.close();
  }
}

async function nodeJobs() {
  const threads = availableParallelism();
  const nodeSteps = Number(args['node-steps']);
  const results = [];
  for (const job of JOBS) {
    const dir = ensureModels(job.variant, 'fp32');
    const opened: ort.InferenceSession[] = [];
    const open = async (c: string) => {
      opened.push(await ort.InferenceSession.create(join(dir, c, 'model.onnx'), nodeSessionOptions(threads)));
      return nodeLoopSession(opened.at(-1)!);
    };
    const sessions = { text_encoder: await open('text_encoder'), unet: await open('unet'), decoder: await open(job.plan.decoder) };
    const steps = Math.min(job.plan.steps, nodeSteps);
    const run = await runBareGeneration(sessions, { ...job.plan, steps });
    await Promise.all(opened.map((session) => session.release()));
    // Extrapolate the skipped steps at the measured per-step median.
    const totalMs = run.totalMs + (job.plan.steps - steps) * run.medianUnetStepMs;
    results.push({ job: job.name, threads, stepsRun: steps, extrapolated: steps < job.plan.steps, totalMs, unetStepMs: run.medianUnetStepMs, run });
    console.log(`node cpu ${job.name}: ${(totalMs / 1000).toFixed(1)} s${steps < job.plan.steps ? ` (${steps} steps run, rest extrapolated)` : ''}`);
  }
  return results;
}

const gpu = (() => {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' }).trim();
  } catch {
    return 'nvidia-smi not available';
  }
})();
const browser = await browserJobs();
const node = args['skip-node'] ? [] : await nodeJobs();
const result = { command: `npx tsx scripts/benchWebGpu.ts ${process.argv.slice(2).join(' ')}`, gpu, cpu: cpus()[0]?.model, cores: availableParallelism(), adapter: browser.adapter, webgpu: browser.jobs, node };
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/webgpu-real-size.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n| job | WebGPU s | WebGPU UNet step ms | Node CPU s | Node UNet step ms | Node / WebGPU |\n| --- | --- | --- | --- | --- | --- |`);
for (const job of browser.jobs) {
  const n = node.find((x) => x.job === job.job);
  console.log(`| ${job.job} | ${(job.totalMs / 1000).toFixed(2)} | ${job.unetStepMs.toFixed(0)} | ${n ? (n.totalMs / 1000).toFixed(1) : '–'} | ${n ? n.unetStepMs.toFixed(0) : '–'} | ${n ? (n.totalMs / job.totalMs).toFixed(1) : '–'}x |`);
}
console.log(`GPU: ${gpu}\nwrote bench-results/webgpu-real-size.json`);
