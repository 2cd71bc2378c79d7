// The engine's worker thread: loads the model folder once with onnxruntime-node, then runs the jobs the main thread
// hands it one at a time (images decoded here, PNGs encoded here), posting progress, so the server's event loop
// never waits on a UNet step. Cancel is cooperative: the engine checks the job's AbortSignal between UNet calls.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { CancelledError, generate, loadStableDiffusionModel, type StableDiffusionModel } from '../src/engine';
import { encodePredictionPng } from '../src/history/encodePng';
import { directoryModelSource } from '../src/runtime/directoryModelSource';
import type { OrtApi } from '../src/runtime/OrtModelSession';
import { resolveJobInput } from './engine/jobInput';
import { serializeError, type EngineJob, type EngineWorkerData, type FromWorker, type ToWorker } from './engine/workerProtocol';

const data = workerData as EngineWorkerData;
const port = parentPort!;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/**
 * Spinning intra-op threads made both our engine and a bare loop ~1.5x slower on a 2-core machine and burned twice
 * the CPU (shared/PLATFORM.md), so spinning is off; the thread count is onnxruntime's default unless configured.
 */
const sessionOptions = {
  ...(data.threads ? { intraOpNumThreads: data.threads } : {}),
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};

let model: StableDiffusionModel | undefined;
const running = new Map<string, AbortController>();

async function runJob(job: EngineJob): Promise<void> {
  const controller = new AbortController();
  running.set(job.jobId, controller);
  try {
    const input = await resolveJobInput(job.input, job.seed, data.imageLimits, controller.signal);
    const result = await generate(model!, job.mode, input, {
      signal: controller.signal,
      noiseDevice: job.noiseDevice,
      onProgress: ({ phase, step, totalSteps }) => post({ type: 'progress', jobId: job.jobId, phase, step, totalSteps }),
    });
    const pngs: ArrayBuffer[] = [];
    for (const [index, image] of result.images.entries()) {
      const png = await encodePredictionPng(image, {
        mode: job.mode,
        settings: result.settings,
        model: job.modelName,
        noiseDevice: job.noiseDevice,
        batchPosition: result.images.length > 1 ? index : undefined,
      });
      pngs.push(await png.arrayBuffer());
    }
    post({ type: 'succeeded', jobId: job.jobId, seed: result.seed, pngs }, pngs);
  } catch (error) {
    if (error instanceof CancelledError || controller.signal.aborted) post({ type: 'canceled', jobId: job.jobId });
    else post({ type: 'failed', jobId: job.jobId, error: serializeError(error) });
  } finally {
    running.delete(job.jobId);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'run') void runJob(message.job);
  else running.get(message.jobId)?.abort(new CancelledError());
});

try {
  // Sessions are created lazily by the model (a text-to-image run never opens the VAE encoder) and then reused.
  model = await loadStableDiffusionModel(directoryModelSource(data.modelDir, ort as unknown as OrtApi, sessionOptions));
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'load-failed', error: serializeError(error) });
}
