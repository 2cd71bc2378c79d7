// The Stable Diffusion API v3 (stablediffusionapi.com / ModelsLab): POST {base}/api/v3/text2img, img2img or inpaint
// with the key in the body; a `processing` answer is fetched again from its fetch_result after max(eta, 2 s) until
// it succeeds, within the deadline. Its errors often come as HTTP 200 with status "error" and the text in `message`
// (or the misspelt `messege`), so every answer is read by its body first, never by the HTTP status alone.
import type { FieldError } from '../../predictions/errors';
import type { GenerationMode, ResolvedSettings } from '../../predictions/PredictionInput';
import type { RgbaImage } from '../../predictions/rgbaImage';
import { sleepUnlessStopped } from './jobStop';
import { outputList } from './outputFiles';
import type { RemoteClient, RemoteJobContext, RemoteRun } from './RemoteClient';
import { RemoteError, type RemoteErrorCode } from './RemoteError';
import { MAX_RETRIES, type ApiAnswer } from './RemoteHttp';
import type { RemoteInput } from './remoteInput';
import { stableDiffusionApiSchemas } from './remoteSchemas';
import { errorFromResponse, fieldErrorsOf } from './responseError';

/** The API asks to fetch again after `eta` seconds; never sooner than this, so a busy queue is not hammered. */
export const V3_MIN_FETCH_WAIT_MS = 2000;

const ENDPOINTS: Record<GenerationMode, string> = { 'text-to-image': 'text2img', 'image-to-image': 'img2img', inpainting: 'inpaint' };

type Body = Record<string, unknown>;
const isRecord = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The v3 error text, wherever this answer put it (`message`, `messege`, `error`), as one line. */
function v3Message(body: Body): string {
  const raw = body.message ?? body.messege ?? body.error ?? body.detail;
  if (typeof raw === 'string' && raw.trim() !== '') return raw.trim();
  if (isRecord(raw)) return Object.entries(raw).map(([field, text]) => `${field}: ${Array.isArray(text) ? text.join(' ') : String(text)}`).join('; ');
  return raw === undefined ? 'no message' : JSON.stringify(raw);
}

/** v3 validation errors may come as `{ message: { width: ["The width must ..."] } }`. */
function v3FieldErrors(body: Body): FieldError[] {
  const raw = body.message ?? body.messege;
  if (!isRecord(raw)) return fieldErrorsOf(body);
  const names: Record<string, string> = { samples: 'num_outputs', init_image: 'image', mask_image: 'mask', strength: 'prompt_strength' };
  return Object.entries(raw).map(([name, text]) => {
    const field = names[name] ?? name;
    const description = Array.isArray(text) ? text.join(' ') : String(text);
    return { field, expected: description, got: 'a value the server refused', message: `${field}: ${description}` };
  });
}

function v3ErrorCode(message: string, fieldErrors: FieldError[]): RemoteErrorCode {
  if (/invalid\s+(api\s+)?key|key\s+(is\s+)?(invalid|missing|required|not\s+valid)|unauthori[sz]ed/i.test(message)) return 'unauthenticated';
  if (/credit|balance|insufficient|subscription|payment|upgrade your plan/i.test(message)) return 'payment_required';
  if (/rate\s*limit|too many requests/i.test(message)) return 'rate_limited';
  if (/not\s+found|no such request|does not exist/i.test(message)) return 'not_found';
  if (fieldErrors.length > 0) return 'invalid_input';
  return 'remote_failed';
}

export class StableDiffusionApiClient implements RemoteClient {
  readonly label = 'Stable Diffusion API';
  readonly concurrency = Infinity;
  readonly schemas = stableDiffusionApiSchemas();

  constructor(private readonly key: string | undefined) {}

  modelOf(mode: GenerationMode): { model: string } {
    return { model: `api/v3/${ENDPOINTS[mode]}` };
  }

  /** Image-to-image sends the image's own size as width and height, so it must fit the API's limits itself. */
  checkInput(mode: GenerationMode, _settings: ResolvedSettings, image?: RgbaImage): FieldError[] {
    if (mode !== 'image-to-image' || !image) return [];
    const fits = (n: number) => n >= 64 && n <= 1024 && n % 8 === 0;
    if (fits(image.width) && fits(image.height)) return [];
    const expected = 'an image whose sides are multiples of 8 between 64 and 1024 (the Stable Diffusion API keeps its size)';
    return [{ field: 'image', expected, got: `${image.width}x${image.height}`, message: `image: expected ${expected}, got ${image.width}x${image.height}` }];
  }

  async run(job: RemoteJobContext, input: RemoteInput): Promise<RemoteRun> {
    const { model } = this.modelOf(job.mode);
    job.started();
    let answer = await this.post(job, `/${model}`, this.body(job.mode, input), 'create', `Requesting ${model}`);
    for (;;) {
      const body = answer.body as Body;
      const id = body.id === undefined || body.id === null ? undefined : String(body.id);
      if (body.status === 'success') {
        const meta = isRecord(body.meta) ? body.meta : {};
        const seed = typeof meta.seed === 'number' && Number.isSafeInteger(meta.seed) ? meta.seed : undefined;
        const metrics = typeof body.generationTime === 'number' ? { predict_time: body.generationTime } : undefined;
        return { status: 'succeeded', model, output: outputList(body.output), seed, metrics };
      }
      // Anything else that is not an error is still being worked on ("processing", "queued", ...).
      const eta = typeof body.eta === 'number' && Number.isFinite(body.eta) ? body.eta : 0;
      const path = this.fetchPath(job, body, id);
      job.log(`Processing${id ? ` (request ${id})` : ''}; fetching the result again in ${Math.max(eta, V3_MIN_FETCH_WAIT_MS / 1000)} s`);
      await sleepUnlessStopped(Math.max(eta * 1000, V3_MIN_FETCH_WAIT_MS), job.stop);
      if (job.stop.aborted) return this.stopped(job, model);
      answer = await this.post(job, path, { key: this.key }, 'read', `Fetching the result${id ? ` of request ${id}` : ''}`);
    }
  }

  /** The v3 field names: samples, strength, init_image, mask_image; the image's own size for image-to-image. */
  private body(mode: GenerationMode, input: RemoteInput): Body {
    const s = input.settings;
    const size = mode === 'image-to-image' && input.image ? { width: input.image.width, height: input.image.height } : { width: s.width, height: s.height };
    const body: Body = {
      key: this.key,
      prompt: s.prompt,
      negative_prompt: s.negative_prompt || null,
      ...size,
      samples: s.num_outputs,
      num_inference_steps: s.num_inference_steps,
      guidance_scale: s.guidance_scale,
      scheduler: s.scheduler,
      seed: s.seed ?? null,
      // Its default "yes" rewrites the prompt; the studio sends what the user wrote.
      enhance_prompt: 'no',
      base64: 'no',
    };
    if (mode !== 'text-to-image') body.strength = s.prompt_strength;
    if (input.image) body.init_image = input.image.dataUrl;
    if (input.mask) body.mask_image = input.mask.dataUrl;
    return body;
  }

  /**
   * Where to fetch again, always under our base URL (the key travels in the body, and only to the base's origin):
   * fetch_result when it is under the base, else its /api/v3/fetch/{id} path rebased (a proxy), else the id.
   */
  private fetchPath(job: RemoteJobContext, body: Body, id: string | undefined): string {
    const base = job.http.baseUrl;
    const url = typeof body.fetch_result === 'string' ? body.fetch_result : undefined;
    if (url?.startsWith(`${base}/`)) return url.slice(base.length);
    const rebased = url ? /\/api\/v\d+\/fetch\/[^/?#]+/.exec(url)?.[0] : undefined;
    if (rebased) return rebased;
    if (id) return `/api/v3/fetch/${encodeURIComponent(id)}`;
    throw new RemoteError('server_error', `The Stable Diffusion API answered status ${JSON.stringify(body.status)} with neither fetch_result nor id to fetch the result from.`);
  }

  /**
   * POSTs and reads the answer by its body: success and processing go back to run(), errors throw. An error that
   * carries retry_after (or a 429) was not accepted and is sent again after the wait, a few times at most.
   */
  private async post(job: RemoteJobContext, path: string, json: Body, retry: 'create' | 'read', what: string): Promise<ApiAnswer> {
    for (let attempt = 0; ; attempt++) {
      const answer = await job.http.send({ method: 'POST', path, json, retry, signal: job.stop, deadline: job.deadline });
      const body = answer.body;
      const isError = !isRecord(body) || body.status === 'error' || body.status === 'failed' || (answer.status >= 400 && body.status !== 'success' && body.status !== 'processing');
      if (!isError) return answer;
      if (!isRecord(body) || body.status === undefined) throw errorFromResponse(answer, what);
      const message = v3Message(body);
      const fieldErrors = v3FieldErrors(body);
      const retryAfterS = Number(body.retry_after);
      const waitMs = Number.isFinite(retryAfterS) && retryAfterS >= 0 && body.retry_after !== null && body.retry_after !== undefined ? retryAfterS * 1000 : undefined;
      let code = v3ErrorCode(message, fieldErrors);
      if (code === 'remote_failed' && answer.status >= 400) code = errorFromResponse(answer, what).code;
      // retry_after marks a request that was not taken (a rate limit or a full queue), unless the key itself is wrong.
      const retryable = code === 'rate_limited' || (waitMs !== undefined && code === 'remote_failed');
      if (retryable && attempt < MAX_RETRIES && Date.now() + (waitMs ?? job.timing.pollMs) < job.deadline) {
        job.log(`${what}: ${message}; trying again in ${(waitMs ?? job.timing.pollMs) / 1000} s`);
        await sleepUnlessStopped(waitMs ?? job.timing.pollMs, job.stop);
        if (job.stop.aborted) throw job.stop.reason;
        continue;
      }
      throw new RemoteError(retryable ? 'rate_limited' : code, `${what}: the Stable Diffusion API answered "${message}".`, { fieldErrors: code === 'invalid_input' ? fieldErrors : undefined, status: answer.status });
    }
  }

  /** The v3 API has no cancel: we stop fetching; the request may still finish (and count) on its side. */
  private stopped(job: RemoteJobContext, model: string): RemoteRun {
    if (job.stopReason() === 'canceled') {
      job.log('Stopped fetching the result (the Stable Diffusion API has no cancel; the request may still finish on its side)');
      return { status: 'canceled', model, output: [] };
    }
    const seconds = Math.round(job.timing.deadlineMs / 100) / 10;
    return { status: 'failed', model, output: [], error: new RemoteError('timeout', `No result within ${seconds} s (the deadline); stopped fetching (the Stable Diffusion API has no cancel).`) };
  }
}
