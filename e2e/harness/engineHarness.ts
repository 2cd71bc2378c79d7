// Test-only: runs LocalGenerator jobs in the real engine worker and returns plain summaries (status, backend,
// per-step times, pixels) that e2e/engineWorker.spec.ts reads through page.evaluate.
import type { RunPhase } from '../../src/engine';
import { LocalGenerator } from '../../src/generators/LocalGenerator';
import type { PredictionInput } from '../../src/predictions/PredictionInput';
import type { BackendInfo, BackendPreference, ModelRef } from '../../src/predictions/backends';

export interface HarnessJob {
  model: string;
  dtype?: ModelRef['dtype'];
  backend: BackendPreference;
  input: PredictionInput<never>;
  /** Cancel once this denoising step has been reported. */
  cancelAtStep?: number;
}

export interface HarnessResult {
  status: string;
  errorCode?: string;
  error?: string;
  backend?: BackendInfo;
  phases: Array<RunPhase | 'loading-model'>;
  /** Each denoising step's time in the worker (UNet calls, guidance and scheduler). */
  stepMs: number[];
  stepsPerSecond?: number;
  previews: number;
  predictTime?: number;
  logs: string;
  pixels?: number[];
}

const modelRef = (id: string, dtype?: ModelRef['dtype']): ModelRef => ({ id, baseUrl: `/models/${id}/`, dtype });

// One generator per page, as the app has: its worker (and loaded model) persists between runs.
let generator: LocalGenerator | undefined;

async function generate(job: HarnessJob): Promise<HarnessResult> {
  const model = modelRef(job.model, job.dtype);
  generator ??= new LocalGenerator({ model, backend: job.backend });
  generator.setModel(model, job.backend);
  const phases: HarnessResult['phases'] = [];
  const stepMs: number[] = [];
  let previews = 0;
  let stepsPerSecond: number | undefined;
  let backend: BackendInfo | undefined;
  const handle = generator.submit(
    { mode: 'text-to-image', input: job.input, options: { noiseDevice: 'cpu', maskBlur: 4, previewEvery: 1 } },
    (event) => {
      if (event.type === 'backend') backend = event.backend;
      if (event.type === 'preview') previews++;
      if (event.type !== 'progress') return;
      if (phases.at(-1) !== event.phase) phases.push(event.phase as HarnessResult['phases'][number]);
      if (event.phase !== 'denoising' || !event.stepsPerSecond) return;
      // The worker reports the running average since denoising began; each step's own time follows from it.
      const elapsedMs = (event.step * 1000) / event.stepsPerSecond;
      stepMs.push(elapsedMs - stepMs.reduce((sum, ms) => sum + ms, 0));
      stepsPerSecond = event.stepsPerSecond;
      if (event.step === job.cancelAtStep) handle.cancel();
    },
  );
  const { prediction, images, error } = await handle.result;
  return {
    status: prediction.status,
    errorCode: error?.code,
    error: error?.message,
    backend,
    phases,
    stepMs,
    stepsPerSecond,
    previews,
    predictTime: prediction.metrics.predict_time,
    logs: prediction.logs,
    pixels: images?.[0] ? Array.from(images[0].data) : undefined,
  };
}

async function preload(model: string, backend: BackendPreference, dtype?: ModelRef['dtype']): Promise<{ backend?: BackendInfo; errorCode?: string; error?: string }> {
  generator ??= new LocalGenerator({ model: modelRef(model, dtype), backend });
  try {
    return { backend: await generator.prepare(modelRef(model, dtype), backend) };
  } catch (error) {
    return { errorCode: (error as { code?: string }).code, error: (error as Error).message };
  }
}

const harness = { generate, preload };
export type EngineHarness = typeof harness;
(window as unknown as { engineHarness: EngineHarness }).engineHarness = harness;
