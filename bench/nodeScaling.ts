// Benchmark sections in Node: how time grows with image size (time per UNet step, 64 → 1024) and with steps (total,
// 1 → 50), and memory across 20 jobs in one process (peak RSS and JS heap per job: flat means nothing leaks).
import * as ort from 'onnxruntime-node';
import { loadStableDiffusionModel, textToImage } from '../src/engine';
import { directoryModelSource } from '../src/runtime/directoryModelSource';
import type { OrtApi } from '../src/runtime/OrtModelSession';

export interface ScalingPoint {
  x: number;
  ms: number;
}

export interface MemoryPoint {
  job: number;
  rssMb: number;
  heapMb: number;
}

export async function nodeScaling(modelDir: string, options: { sizes: number[]; steps: number[] }) {
  const model = await loadStableDiffusionModel(directoryModelSource(modelDir, ort as unknown as OrtApi));
  const base = { prompt: 'a lighthouse', guidance_scale: 7.5, seed: 3, scheduler: 'DPMSolverMultistep' };
  await textToImage(model, { ...base, width: 64, height: 64, num_inference_steps: 2 });
  const perStepBySize: ScalingPoint[] = [];
  for (const size of options.sizes) {
    const result = await textToImage(model, { ...base, width: size, height: size, num_inference_steps: 5 });
    perStepBySize.push({ x: size, ms: (result.timings.denoiseMs) / 5 });
  }
  const totalBySteps: ScalingPoint[] = [];
  for (const steps of options.steps) {
    const started = performance.now();
    await textToImage(model, { ...base, width: 256, height: 256, num_inference_steps: steps });
    totalBySteps.push({ x: steps, ms: performance.now() - started });
  }
  await model.release();
  return { perStepBySize, totalBySteps };
}

export async function nodeMemory(modelDir: string, jobs: number): Promise<MemoryPoint[]> {
  const model = await loadStableDiffusionModel(directoryModelSource(modelDir, ort as unknown as OrtApi));
  const points: MemoryPoint[] = [];
  for (let job = 1; job <= jobs; job++) {
    await textToImage(model, { prompt: 'memory', width: 512, height: 512, num_inference_steps: 4, guidance_scale: 7.5, seed: job });
    const { rss, heapUsed } = process.memoryUsage();
    points.push({ job, rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20 });
  }
  await model.release();
  return points;
}

/** A small SVG line chart: one series, labelled axes, written next to the JSON and shown in the README. */
export function lineChart(title: string, xLabel: string, yLabel: string, points: ScalingPoint[]): string {
  const width = 420;
  const height = 260;
  const pad = { left: 56, right: 16, top: 30, bottom: 40 };
  const maxX = Math.max(...points.map((p) => p.x));
  const maxY = Math.max(...points.map((p) => p.ms)) * 1.1 || 1;
  const sx = (x: number) => pad.left + (x / maxX) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - (y / maxY) * (height - pad.top - pad.bottom);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.ms).toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.ms).toFixed(1)}" r="3"/><text x="${sx(p.x).toFixed(1)}" y="${(height - pad.bottom + 14).toFixed(1)}" text-anchor="middle">${p.x}</text>`).join('');
  const ticks = [0, 0.5, 1].map((f) => `<text x="${pad.left - 6}" y="${sy(maxY * f).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${(maxY * f).toFixed(maxY * f < 10 ? 1 : 0)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/><text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>
<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/>
<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>
${ticks}<text x="${width / 2}" y="${height - 6}" text-anchor="middle">${xLabel}</text>
<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">${yLabel}</text>
<path d="${path}" fill="none" stroke="#3350d0" stroke-width="2"/><g fill="#3350d0">${dots}</g></svg>
`;
}
