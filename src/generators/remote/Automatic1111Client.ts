// AUTOMATIC1111 / Forge's API: POST {base}/sdapi/v1/txt2img or /img2img runs the whole generation in one request,
// while GET /sdapi/v1/progress reports its steps and POST /sdapi/v1/interrupt stops it. Images go and come back as
// base64; the seed comes from `info` (a JSON string). Img2img and inpainting send the image's own size.
import type { FieldError } from '../../predictions/errors';
import type { GenerationMode, ResolvedSettings } from '../../predictions/PredictionInput';
import type { RgbaImage } from '../../predictions/rgbaImage';
import { a1111Sampler } from './a1111Samplers';
import { sleepUnlessStopped } from './jobStop';
import type { RemoteClient, RemoteJobContext, RemoteRun } from './RemoteClient';
import { asRemoteError, RemoteError } from './RemoteError';
import type { ApiAnswer } from './RemoteHttp';
import type { RemoteInput } from './remoteInput';
import { automatic1111Schemas } from './remoteSchemas';
import { errorFromResponse } from './responseError';

/** A1111's own default Mask blur, used when the request's options name none. */
const DEFAULT_MASK_BLUR = 4;

type Body = Record<string, unknown>;
const isRecord = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A1111 writes outputs in its "samples_format" setting (PNG unless changed): tell the type from the bytes. */
function imageDataUrl(base64: string): string {
  if (base64.startsWith('data:')) return base64;
  const type = base64.startsWith('/9j/') ? 'image/jpeg' : base64.startsWith('UklGR') ? 'image/webp' : 'image/png';
  return `data:${type};base64,${base64}`;
}

function parseInfo(info: unknown): Body {
  if (isRecord(info)) return info;
  if (typeof info !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(info);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

export class Automatic1111Client implements RemoteClient {
  readonly label = 'AUTOMATIC1111';
  /** One at a time: the WebUI runs one job anyway, and its progress and interrupt are about whatever runs now. */
  readonly concurrency = 1;
  readonly schemas = automatic1111Schemas();

  modelOf(mode: GenerationMode): { model: string } {
    return { model: mode === 'text-to-image' ? 'sdapi/v1/txt2img' : 'sdapi/v1/img2img' };
  }

  /** The output keeps the input image's size, so that size must be one A1111 generates (multiples of 8, ≤ 2048). */
  checkInput(mode: GenerationMode, _settings: ResolvedSettings, image?: RgbaImage): FieldError[] {
    if (mode === 'text-to-image' || !image) return [];
    const fits = (n: number) => n >= 64 && n <= 2048 && n % 8 === 0;
    if (fits(image.width) && fits(image.height)) return [];
    const expected = 'an image whose sides are multiples of 8 between 64 and 2048 (the output keeps its size)';
    return [{ field: 'image', expected, got: `${image.width}x${image.height}`, message: `image: expected ${expected}, got ${image.width}x${image.height}` }];
  }

  async run(job: RemoteJobContext, input: RemoteInput): Promise<RemoteRun> {
    const { model } = this.modelOf(job.mode);
    job.started();
    let settled = false;
    // The generation runs inside this one request: its limit is what is left of the deadline (plus the time an
    // interrupted run needs to answer), and it is never sent twice (only a 429, which was not taken, is retried).
    const generation = job.http
      .send({ method: 'POST', path: `/${model}`, json: this.body(job, input), retry: 'create', signal: job.stop, keepInFlight: true, deadline: job.deadline, timeoutMs: Math.max(1, job.deadline - Date.now()) + job.timing.requestMs })
      .then((answer) => ({ answer }), (error: unknown) => ({ error }))
      .finally(() => (settled = true));
    const stopped = new Promise<'stopped'>((resolve) => {
      if (job.stop.aborted) resolve('stopped');
      job.stop.addEventListener('abort', () => resolve('stopped'), { once: true });
    });
    void this.watchProgress(job, () => settled);
    const first = await Promise.race([generation, stopped]);
    if (first === 'stopped') {
      await this.interrupt(job);
      // An interrupted A1111 answers with what it had; give it a moment so it is free for the next job.
      await Promise.race([generation, sleepUnlessStopped(job.timing.requestMs)]);
      return this.stoppedRun(job, model);
    }
    if ('error' in first) throw first.error;
    return this.finished(job, first.answer, model, input.settings.num_outputs);
  }

  /** A1111's field names; the seed -1 means random; img2img and inpainting keep the image's own size. */
  private body(job: RemoteJobContext, input: RemoteInput): Body {
    const s = input.settings;
    const body: Body = {
      prompt: s.prompt,
      negative_prompt: s.negative_prompt,
      seed: s.seed ?? -1,
      sampler_name: a1111Sampler(s.scheduler),
      batch_size: s.num_outputs,
      n_iter: 1,
      steps: s.num_inference_steps,
      cfg_scale: s.guidance_scale,
      width: s.width,
      height: s.height,
      send_images: true,
      save_images: false,
    };
    if (input.image) {
      Object.assign(body, { init_images: [input.image.dataUrl], width: input.image.width, height: input.image.height, denoising_strength: s.prompt_strength, resize_mode: 0 });
    }
    if (input.mask) {
      const blur = job.options.maskBlur;
      const maskBlur = typeof blur === 'number' && Number.isInteger(blur) && blur >= 0 ? blur : DEFAULT_MASK_BLUR;
      // inpainting_fill 1 = start from the original pixels; the whole picture (not only the masked area) is redrawn
      // at its size; mask_invert 0 = white is repainted.
      Object.assign(body, { mask: input.mask.dataUrl, mask_blur: maskBlur, inpainting_fill: 1, inpaint_full_res: false, inpainting_mask_invert: 0 });
    }
    return body;
  }

  private finished(job: RemoteJobContext, answer: ApiAnswer, model: string, count: number): RemoteRun {
    const what = `Generating with /${model}`;
    if (answer.status < 200 || answer.status > 299) throw errorFromResponse(answer, what);
    const body = answer.body;
    if (!isRecord(body) || !Array.isArray(body.images) || !body.images.every((image) => typeof image === 'string')) {
      throw new RemoteError('server_error', `${what}: expected JSON with a list of base64 images, got ${body === undefined ? 'no JSON' : 'something else'}.`);
    }
    const info = parseInfo(body.info);
    // With several images A1111 may put a grid first; info says where the images themselves begin.
    const first = typeof info.index_of_first_image === 'number' && Number.isInteger(info.index_of_first_image) ? info.index_of_first_image : 0;
    const images = (body.images as string[]).slice(first, first + count);
    const seed = typeof info.seed === 'number' && Number.isSafeInteger(info.seed) ? info.seed : undefined;
    if (typeof info.sd_model_name === 'string') job.log(`Checkpoint: ${info.sd_model_name}`);
    return {
      status: 'succeeded',
      model: typeof info.sd_model_name === 'string' ? info.sd_model_name : model,
      ...(typeof info.sd_model_hash === 'string' ? { version: info.sd_model_hash } : {}),
      output: images.map(imageDataUrl),
      seed,
    };
  }

  /** Polls /sdapi/v1/progress while the generation runs; a failed poll changes nothing (progress is a nicety). */
  private async watchProgress(job: RemoteJobContext, done: () => boolean): Promise<void> {
    while (!done() && !job.stop.aborted) {
      await sleepUnlessStopped(job.timing.pollMs, job.stop);
      if (done() || job.stop.aborted) return;
      try {
        const answer = await job.http.send({ method: 'GET', path: '/sdapi/v1/progress?skip_current_image=true', retry: 'none', signal: job.stop });
        const state = isRecord(answer.body) && isRecord(answer.body.state) ? answer.body.state : undefined;
        const step = Number(state?.sampling_step);
        const steps = Number(state?.sampling_steps);
        const busy = Number(state?.job_count) > 0;
        if (!done() && busy && Number.isInteger(steps) && steps > 0 && Number.isInteger(step) && step >= 0) job.progress(Math.min(step, steps), steps);
      } catch {
        // Stopped, or the server is busy answering the generation: the next poll tries again.
      }
    }
  }

  private async interrupt(job: RemoteJobContext): Promise<void> {
    job.log(job.stopReason() === 'timeout' ? 'The deadline passed: interrupting the generation' : 'Interrupting the generation');
    try {
      const answer = await job.http.send({ method: 'POST', path: '/sdapi/v1/interrupt', retry: 'none' });
      if (answer.status < 200 || answer.status > 299) job.log(`The interrupt failed: ${errorFromResponse(answer, 'Interrupting').message}`);
    } catch (error) {
      job.log(`The interrupt failed: ${asRemoteError(error).message}`);
    }
  }

  private stoppedRun(job: RemoteJobContext, model: string): RemoteRun {
    if (job.stopReason() === 'canceled') return { status: 'canceled', model, output: [] };
    const seconds = Math.round(job.timing.deadlineMs / 100) / 10;
    return { status: 'failed', model, output: [], error: new RemoteError('timeout', `No result within ${seconds} s (the deadline); the generation was interrupted.`) };
  }
}
