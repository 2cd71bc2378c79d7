// The studio's actions: what happens when the user generates, cancels, loads an image, reuses or deletes a result.
// It connects the store (UI state), a Generator (local worker or remote) and the history store; pixels and blobs
// pass through here and never enter the store.
import { fitWithin, type RgbaImage } from '../engine';
import { LOCAL_MODE_SCHEMAS } from '../predictions/modelSchemas';
import { KARRAS_SCHEDULERS, schedulerClassOf } from '../predictions/schedulerNames';
import type { Generator, JobEvent, JobHandle, JobResult } from '../generators/Generator';
import type { GeneratorRouter } from './GeneratorRouter';
import { XY_AXIS_LABELS, type XyPlan } from './xyPlot';
import { encodePng, encodePredictionPng } from '../history/encodePng';
import { HistoryStorageError, type HistoryImage, type HistoryRecord, type HistoryStore } from '../history/historyStore';
import type { GenerationMode, PredictionInput } from '../predictions/PredictionInput';
import type { ImageMode } from '../state/inputsSlice';
import type { StudioStore } from '../state/store';
import { draftFieldErrors, draftToInput } from './draftToInput';
import { decodeImageFile, ImageDecodeError } from './decodeImageFile';
import { forgetInputImage, inputImage, registerInputImage } from './inputImageRegistry';
import { clearPreviewImage, setPreviewImage } from './previewImages';
import type { ModelRef, PromptWeighting, SerializedError } from '../predictions/backends';

/** Blobs of results that could not be saved, so they can still be viewed and downloaded this session. */
const unsavedBlobs = new Map<string, Blob[]>();

export interface GenerateOutcome {
  started: boolean;
  /** The field the reason is about; image and mask errors show at the picker and the mask editor. */
  field?: string;
  /** Why nothing started: field errors are shown next to their fields. */
  reason?: string;
  /**
   * Nothing started because this device can't run the job (the reason, in words) but a remote API could: ask the
   * user once; on yes, set remoteConsent and generate again.
   */
  askRemote?: string;
}

export class StudioController {
  /** The inpainting mask as the mask editor holds it (set by the editor's host component). */
  maskSource: (() => RgbaImage | null) | null = null;

  /**
   * @param model the model jobs run on now (the Models panel's choice)
   * @param onJobError told of every failed job's error, e.g. so damaged stored weights get fetched again
   */
  constructor(
    private readonly store: StudioStore,
    private readonly router: GeneratorRouter,
    private readonly history: HistoryStore,
    private readonly model: () => ModelRef,
    private readonly onJobError: (error: SerializedError) => void = () => undefined,
  ) {}

  async loadHistory(): Promise<void> {
    try {
      const records = await this.history.list();
      this.store.getState().setGallery(records.map((record) => ({ record })));
    } catch (error) {
      this.store.getState().setGallery([]);
      this.store.getState().setStorageError(`The history could not be read: ${(error as Error).message}`);
    }
  }

  // ---- Generating ---------------------------------------------------------------------------------------------

  generate(): GenerateOutcome {
    const state = this.store.getState();
    const mode = state.activeMode;
    const draft = state.drafts[mode];
    const image = mode === 'text-to-image' ? undefined : inputImage(state.inputs[mode]?.id);
    const mask = mode === 'inpainting' ? (this.maskSource?.() ?? undefined) : undefined;
    const schema = state.schemas[mode];
    if (!schema) return { started: false, reason: `${mode}: this model or backend does not offer it` };
    const errors = draftFieldErrors(schema, draft, state.seed, { image: Boolean(image), mask: Boolean(mask) });
    if (mode === 'inpainting' && image && !mask) errors.mask = 'Mask: paint the area to repaint on the image first';
    if (mode !== 'text-to-image' && errors.image) state.setInputError(mode, errors.image);
    state.setMaskError(mode === 'inpainting' && errors.mask ? errors.mask : null);
    const [field] = Object.keys(errors);
    if (field) return { started: false, reason: errors[field], field };

    const route = this.router.route();
    if (route.run === 'ask') return { started: false, askRemote: route.reason };
    if (route.run === 'nowhere') return { started: false, reason: route.reason };
    const input: PredictionInput<RgbaImage> = { ...draftToInput(schema, draft, state.seed), image, mask };
    void this.submit(route.generator, mode, input);
    return { started: true };
  }

  /** Runs a job again on the remote API: a local run that failed because of the device (lost, out of memory). */
  async rerunRemotely(record: HistoryRecord): Promise<void> {
    const decode = async (kind: 'image' | 'mask') => {
      const blob = await this.history.getInput(record.id, kind);
      return blob ? decodeImageFile(blob) : undefined;
    };
    const input: PredictionInput<RgbaImage> = { ...record.prediction.input, image: undefined, mask: undefined };
    if (record.mode !== 'text-to-image') input.image = await decode('image');
    if (record.mode === 'inpainting') input.mask = await decode('mask');
    this.store.getState().setRemoteConsent(true);
    void this.submit(this.router.remoteGenerator(), record.mode, input);
  }

  /** Submits one job; resolves with its result once it is stored in the history (never rejects). */
  private submit(generator: Generator, mode: GenerationMode, input: PredictionInput<RgbaImage>): Promise<JobResult> {
    const state = this.store.getState();
    // Karras only where the scheduler has it; a Replicate or v3 job has no such option and ignores it.
    const karrasSigmas = state.karrasSigmas && KARRAS_SCHEDULERS.has(schedulerClassOf(input.scheduler ?? '') ?? 'DDIMScheduler');
    // TAESD only when one is stored (the model's ref then names it); otherwise the model's own VAE.
    const decoder = state.decoder === 'taesd' && this.model().fastDecoderId ? 'taesd' : 'vae';
    const options = { noiseDevice: state.noiseDevice, maskBlur: state.maskBlur, previewEvery: 2, promptWeighting: state.promptWeighting, karrasSigmas, decoder } as const;
    // A generator may report events while submit() runs (a job that starts at once): hold them until the job exists.
    let handle: JobHandle | undefined;
    const early: JobEvent[] = [];
    handle = generator.submit({ mode, input, options }, (event) => (handle ? this.onJobEvent(handle.id, event) : early.push(event)));
    state.addJob({ id: handle.id, mode, prompt: input.prompt, status: 'queued', step: 0, totalSteps: 0, previewVersion: 0, startedAt: Date.now() });
    for (const event of early) this.onJobEvent(handle.id, event);
    this.cancelers.set(handle.id, handle.cancel);
    const id = handle.id;
    return handle.result.then(async (result) => {
      this.cancelers.delete(id);
      try {
        await this.onJobFinished(id, mode, input, options, result);
      } catch (error) {
        // Encoding the PNGs failed (the generator itself never rejects): say so rather than fail silently.
        this.store.getState().removeJob(id);
        this.store.getState().setStorageError(`The result could not be stored: ${(error as Error).message}`);
      }
      return result;
    });
  }

  /**
   * An X/Y plot: the active mode's form as it stands, once per combination of the two axes' values, as one queued
   * batch on the generator a normal run would use. Every cell shares one seed unless Seed is an axis, so only the
   * axes vary. Resolves with the results in row order (Y outer, X inner); refuses (nothing queued) when a cell's
   * input is invalid, naming the axis value.
   */
  async runXyPlot(plan: XyPlan, onCellDone?: (done: number, total: number) => void): Promise<{ results: JobResult[] } | { error: string }> {
    const state = this.store.getState();
    const mode = state.activeMode;
    const schema = state.schemas[mode];
    if (!schema) return { error: `${mode}: this model or backend does not offer it` };
    const route = this.router.route();
    if (route.run === 'ask') return { error: `${route.reason} Run one image first to choose where jobs go.` };
    if (route.run === 'nowhere') return { error: route.reason };
    const image = mode === 'text-to-image' ? undefined : inputImage(state.inputs[mode]?.id);
    const mask = mode === 'inpainting' ? (this.maskSource?.() ?? undefined) : undefined;
    // One seed for every cell unless Seed is an axis: the one typed, or one picked now.
    const sharedSeed = state.seed.locked && state.seed.value.trim() !== '' ? state.seed.value : String(Math.floor(Math.random() * 2 ** 32));
    const cells: PredictionInput<RgbaImage>[] = [];
    for (const y of plan.y.values) {
      for (const x of plan.x.values) {
        const draft = { ...state.drafts[mode] };
        let seed = sharedSeed;
        for (const [axis, value] of [[plan.x.axis, x], [plan.y.axis, y]] as const) {
          if (axis === 'seed') seed = value;
          else draft[axis] = value;
        }
        const errors = draftFieldErrors(schema, draft, { value: seed, locked: true }, { image: Boolean(image), mask: Boolean(mask) });
        const [field] = Object.keys(errors);
        if (field) return { error: `X/Y plot cell ${XY_AXIS_LABELS[plan.x.axis]} ${x}, ${XY_AXIS_LABELS[plan.y.axis]} ${y}: ${errors[field]}` };
        cells.push({ ...draftToInput(schema, draft, { value: seed, locked: true }), image, mask });
      }
    }
    let done = 0;
    const results = await Promise.all(
      cells.map((input) =>
        this.submit(route.generator, mode, input).then((result) => {
          onCellDone?.(++done, cells.length);
          return result;
        }),
      ),
    );
    return { results };
  }

  cancel(jobId: string): void {
    this.cancelers.get(jobId)?.();
  }

  private readonly cancelers = new Map<string, () => void>();

  private onJobEvent(jobId: string, event: JobEvent): void {
    const { updateJob, setBackend } = this.store.getState();
    switch (event.type) {
      case 'queued':
        updateJob(jobId, { status: 'queued', position: event.position });
        break;
      case 'started':
        updateJob(jobId, { status: 'running', position: undefined });
        break;
      case 'progress':
        updateJob(jobId, { status: 'running', phase: event.phase, step: event.step, totalSteps: event.totalSteps, stepsPerSecond: event.stepsPerSecond });
        break;
      case 'preview': {
        setPreviewImage(jobId, event.image);
        const job = this.store.getState().jobs.find((j) => j.id === jobId);
        updateJob(jobId, { previewVersion: (job?.previewVersion ?? 0) + 1 });
        break;
      }
      case 'backend':
        // The badge and Auto's decision follow the local engine; a remote job says where it ran on its own card.
        if (event.backend.kind !== 'remote') setBackend(event.backend);
        break;
    }
  }

  private async onJobFinished(
    jobId: string,
    mode: GenerationMode,
    input: PredictionInput<RgbaImage>,
    options: { noiseDevice: 'cpu' | 'cuda'; maskBlur: number; promptWeighting: PromptWeighting; karrasSigmas: boolean; decoder: 'vae' | 'taesd' },
    result: JobResult,
  ): Promise<void> {
    const state = this.store.getState();
    state.removeJob(jobId);
    clearPreviewImage(jobId);
    const { prediction } = result;
    if (result.error) this.onJobError(result.error);
    const seed = typeof prediction.input.seed === 'number' ? prediction.input.seed : undefined;
    // The seed is shown after every run; a locked seed stays as typed.
    if (seed !== undefined && !state.seed.locked) state.setSeed({ value: String(seed) });

    const settings = result.settings;
    const outputs: HistoryImage[] = [];
    for (const [batchPosition, image] of (result.images ?? []).entries()) {
      // With the settings that ran, the PNG carries A1111's parameters chunk; a remote run that did not report
      // them keeps the pixels without it rather than guessing.
      const blob = settings
        ? await encodePredictionPng(image, { mode, settings, model: prediction.model || this.model().id, noiseDevice: options.noiseDevice, maskBlur: mode === 'inpainting' ? options.maskBlur : undefined, batchPosition, ...localOnlyOptions(options, prediction.backend) })
        : await encodePng(image);
      outputs.push({ blob, width: image.width, height: image.height });
    }
    if (outputs.length === 0 && result.outputs) {
      // A remote result this environment could not decode: keep the files as the API served them.
      for (const blob of result.outputs) {
        const size = await decodeImageFile(blob).catch(() => ({ width: 0, height: 0 }));
        outputs.push({ blob, width: size.width, height: size.height });
      }
    }
    const asHistoryImage = async (image: RgbaImage | undefined) =>
      image ? { blob: await encodePng(image), width: image.width, height: image.height } : undefined;
    const entry = {
      prediction,
      mode,
      noiseDevice: options.noiseDevice,
      maskBlur: mode === 'inpainting' ? options.maskBlur : undefined,
      outputs,
      inputImage: await asHistoryImage(input.image),
      inputMask: await asHistoryImage(input.mask),
      errorCode: result.error?.code,
    };
    try {
      const record = await this.history.save(entry);
      this.store.getState().addToGallery({ record });
      this.store.getState().setStorageError(null);
    } catch (error) {
      // Nothing already saved is lost (the store writes atomically); keep this result visible for the session.
      unsavedBlobs.set(prediction.id, outputs.map((o) => o.blob));
      const record: HistoryRecord = {
        id: prediction.id,
        prediction: { ...prediction, output: null },
        mode,
        noiseDevice: options.noiseDevice,
        outputs: outputs.map((o) => ({ width: o.width, height: o.height, bytes: o.blob.size, type: o.blob.type })),
        bytes: outputs.reduce((sum, o) => sum + o.blob.size, 0),
        savedAt: new Date().toISOString(),
      };
      this.store.getState().addToGallery({ record, unsaved: true });
      const message = error instanceof HistoryStorageError ? error.message : `Saving the result failed: ${(error as Error).message}`;
      this.store.getState().setStorageError(message);
    }
  }

  // ---- Input images -------------------------------------------------------------------------------------------

  async loadInput(mode: ImageMode, file: Blob & { name?: string }): Promise<void> {
    const state = this.store.getState();
    try {
      const image = await decodeImageFile(file);
      this.setInputPixels(mode, image, file.name ?? 'pasted image');
    } catch (error) {
      state.setInputError(mode, error instanceof ImageDecodeError ? error.message : `The image could not be read: ${(error as Error).message}`);
    }
  }

  setInputPixels(mode: ImageMode, image: RgbaImage, name: string): void {
    const state = this.store.getState();
    const previous = state.inputs[mode];
    if (previous) forgetInputImage(previous.id);
    state.setInput(mode, { id: registerInputImage(image), name, width: image.width, height: image.height });
    if (mode === 'inpainting') {
      // Inpainting generates at Width x Height: follow the image's aspect ratio (fitted into the model's limits,
      // in multiples of 64) so the image isn't distorted.
      const { limits } = state.schemas.inpainting ?? LOCAL_MODE_SCHEMAS.inpainting;
      const size = fitWithin(image.width, image.height, Math.min(limits.width.max, limits.height.max), 64);
      state.updateDraft('inpainting', { width: String(size.width), height: String(size.height) });
    }
  }

  clearInput(mode: ImageMode): void {
    const previous = this.store.getState().inputs[mode];
    if (previous) forgetInputImage(previous.id);
    this.store.getState().setInput(mode, null);
  }

  // ---- Results ------------------------------------------------------------------------------------------------

  async outputBlob(id: string, index: number): Promise<Blob | undefined> {
    return unsavedBlobs.get(id)?.[index] ?? (await this.history.getOutput(id, index));
  }

  reuseParameters(record: HistoryRecord): void {
    this.store.getState().applyParameters(record.mode, record.prediction.input);
    if (record.noiseDevice) this.store.getState().setNoiseDevice(record.noiseDevice);
  }

  /** Uses an output as the input image of image-to-image or inpainting, with its prompt. */
  async sendTo(mode: ImageMode, record: HistoryRecord, index: number): Promise<void> {
    const blob = await this.outputBlob(record.id, index);
    if (!blob) return;
    const name = `result ${index + 1} of ${record.id.slice(0, 8)}`;
    this.setInputPixels(mode, await decodeImageFile(new File([blob], name, { type: blob.type })), name);
    const { prompt, negative_prompt } = record.prediction.input;
    this.store.getState().updateDraft(mode, { prompt: prompt ?? '', negative_prompt: negative_prompt ?? '' });
    this.store.getState().setActiveMode(mode);
  }

  async deletePrediction(id: string): Promise<void> {
    if (unsavedBlobs.delete(id)) {
      this.store.getState().removeFromGallery(id);
      return;
    }
    try {
      await this.history.delete(id);
      this.store.getState().removeFromGallery(id);
    } catch (error) {
      this.store.getState().setStorageError(`Deleting failed: ${(error as Error).message}`);
    }
  }
}

/**
 * The PNG keys only the local engine honours: a remote API got the prompt text and scheduler as they are, so its
 * picture must not claim A1111 emphasis, a Karras schedule or TAESD.
 */
function localOnlyOptions(
  options: { promptWeighting: PromptWeighting; karrasSigmas: boolean; decoder: 'vae' | 'taesd' },
  backend: string,
): { promptWeighting?: PromptWeighting; karrasSigmas?: boolean; decoder?: 'vae' | 'taesd' } {
  if (backend.startsWith('remote')) return {};
  return { promptWeighting: options.promptWeighting, karrasSigmas: options.karrasSigmas, decoder: options.decoder };
}
