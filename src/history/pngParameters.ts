// The "parameters" text AUTOMATIC1111 writes into its PNGs (A1111 modules/processing.py `create_infotext`), written
// from our settings and read back (modules/infotext_utils.py `parse_generation_parameters`), so A1111's PNG Info,
// ComfyUI, civitai and sd-parsers read our files and we read theirs.
import packageJson from '../../package.json' with { type: 'json' };
import type { NoiseDevice } from '../predictions/backends';
import { defaultModeSchemas } from '../predictions/modelSchemas';
import { GENERATION_MODES, type GenerationMode, type PredictionInput, type ResolvedSettings } from '../predictions/PredictionInput';

/** What one output image was made with. */
export interface GenerationParameters {
  mode: GenerationMode;
  /** The settings the run used; `seed` is the one actually drawn, `width`/`height` the image's own size. */
  settings: ResolvedSettings;
  /** The model's id, written as A1111's `Model`. */
  model: string;
  noiseDevice?: NoiseDevice;
  /** Inpainting only: the feather radius of the composite mask (A1111's `Mask blur`). */
  maskBlur?: number;
  /** Karras sigmas (A1111's `Schedule type: Karras`). */
  karrasSigmas?: boolean;
  /** 'taesd': decoded by TAESD instead of the model's VAE (written as A1111's `VAE` key, which names the VAE used). */
  decoder?: 'vae' | 'taesd';
  /** This image's 0-based index in its batch; written with the batch size when `num_outputs` > 1. */
  batchPosition?: number;
  /** 'a1111': the prompt was read with A1111's emphasis and 75-token chunks (written as A1111's `Emphasis: Original`). */
  promptWeighting?: 'none' | 'a1111';
  /** `Version`; defaults to "sd-studio <package version>". */
  version?: string;
}

/** What a parameters text says, in our vocabulary, plus everything we do not map. */
export interface ParsedParameters {
  /** Only the fields `mode` accepts, so the result can be submitted as is (img2img has no width/height). */
  input: PredictionInput;
  /** From our `Mode` key, else inferred as A1111 would: `Mask blur` means inpainting, `Denoising strength` without hires keys image-to-image. */
  mode: GenerationMode;
  /** `Size`, also when `mode` takes no width/height (image-to-image follows its input image). */
  size?: { width: number; height: number };
  model?: string;
  /** `RNG: CPU` -> 'cpu'; `NV`, `GPU` or no RNG key (A1111's default is GPU) -> 'cuda', A1111's imitation of the CUDA generator. */
  noiseDevice?: NoiseDevice;
  maskBlur?: number;
  karrasSigmas?: boolean;
  /** `VAE: TAESD` -> 'taesd'; any other VAE name stays in `extra`. */
  decoder?: 'taesd';
  batchPosition?: number;
  /** The sampler label as written (e.g. "DPM++ 2M Karras"), also when no scheduler of ours matches it. */
  sampler?: string;
  version?: string;
  /** Every key not mapped above (or whose value did not parse), value unquoted. */
  extra: Record<string, string>;
}

/** Our scheduler names -> A1111 sampler labels (A1111 modules/sd_samplers_kdiffusion.py, sd_samplers_timesteps.py). */
const SAMPLER_OF_SCHEDULER: Record<string, string> = {
  DDIM: 'DDIM',
  DDIMScheduler: 'DDIM',
  K_EULER: 'Euler',
  EulerDiscreteScheduler: 'Euler',
  K_EULER_ANCESTRAL: 'Euler a',
  EulerAncestralDiscreteScheduler: 'Euler a',
  DPMSolverMultistep: 'DPM++ 2M',
  DPMSolverMultistepScheduler: 'DPM++ 2M',
  // diffusers' PNDM with skip_prk_steps (the Stable Diffusion config) is pseudo linear multistep: A1111's PLMS.
  PNDM: 'PLMS',
  PNDMScheduler: 'PLMS',
  KLMS: 'LMS',
  LMSDiscreteScheduler: 'LMS',
  HeunDiscreteScheduler: 'Heun',
  KDPM2DiscreteScheduler: 'DPM2',
  LCMScheduler: 'LCM',
  UniPCMultistepScheduler: 'UniPC',
  DDPMScheduler: 'DDPM',
};

/** A1111 label -> our name: the first name listed above, so Replicate's names win over diffusers class names. */
const SCHEDULER_OF_SAMPLER = new Map<string, string>();
for (const [scheduler, sampler] of Object.entries(SAMPLER_OF_SCHEDULER)) {
  if (!SCHEDULER_OF_SAMPLER.has(sampler)) SCHEDULER_OF_SAMPLER.set(sampler, scheduler);
}

const RNG_OF_DEVICE: Record<NoiseDevice, string> = { cpu: 'CPU', cuda: 'NV' };
const DEFAULT_VERSION = `sd-studio ${packageJson.version}`;

/** Keys A1111 writes only when hires fix ran; with them, `Denoising strength` belongs to the hires pass. */
const HIRES_KEYS = ['Hires upscale', 'Hires upscaler', 'Hires steps', 'Hires resize'];

/** A1111 infotext_utils `quote`: values holding a comma, colon or newline become JSON strings. */
function quote(value: string): string {
  return /[,:\n]/.test(value) ? JSON.stringify(value) : value;
}

/** The parameters text for one image, in A1111's layout and key order. */
export function formatParameters(params: GenerationParameters): string {
  const { mode, settings } = params;
  const batchSize = settings.num_outputs;
  const pairs: [string, string | number | undefined][] = [
    ['Steps', settings.num_inference_steps],
    ['Sampler', SAMPLER_OF_SCHEDULER[settings.scheduler] ?? settings.scheduler],
    ['Schedule type', params.karrasSigmas ? 'Karras' : undefined],
    ['CFG scale', settings.guidance_scale],
    ['Seed', settings.seed],
    ['Size', `${settings.width}x${settings.height}`],
    ['Model', params.model],
    // Our batch shares one generator (diffusers' way), so an image is reproduced only with its batch size.
    ['Batch size', batchSize > 1 ? batchSize : undefined],
    ['Batch pos', batchSize > 1 ? params.batchPosition : undefined],
    ['Denoising strength', mode === 'image-to-image' ? settings.prompt_strength : undefined],
    ['Mask blur', mode === 'inpainting' ? params.maskBlur : undefined],
    ['Emphasis', params.promptWeighting === 'a1111' ? 'Original' : undefined],
    ['VAE', params.decoder === 'taesd' ? 'TAESD' : undefined],
    ['RNG', params.noiseDevice ? RNG_OF_DEVICE[params.noiseDevice] : undefined],
    // Our own keys: the exact scheduler name (several of ours share one A1111 label) and the mode.
    ['Scheduler', settings.scheduler],
    ['Mode', mode],
    ['Version', params.version ?? DEFAULT_VERSION],
  ];
  const parametersLine = pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== '')
    .map(([key, value]) => `${key}: ${quote(String(value))}`)
    .join(', ');
  const negative = settings.negative_prompt ? `\nNegative prompt: ${settings.negative_prompt}` : '';
  return `${settings.prompt}${negative}\n${parametersLine}`.trim();
}

/**
 * One `Key: value` pair of the last line (A1111 infotext_utils `re_param`): a key of word characters, spaces,
 * dashes and slashes, then a JSON-quoted value or anything up to the next comma.
 */
const PARAMETER_PAIR = /\s*([\p{L}\p{N}_][\p{L}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;

function readPairs(line: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const [, key, rawValue] of line.matchAll(PARAMETER_PAIR)) {
    let value = rawValue.trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      try {
        value = String(JSON.parse(value));
      } catch {
        // A1111 `unquote` keeps text that is not valid JSON as it is.
      }
    }
    pairs.set(key, value);
  }
  return pairs;
}

/** Splits prompt, negative prompt and the parameters line as A1111 does; a last line with < 3 pairs is prompt text. */
function splitText(text: string): { prompt: string; negativePrompt: string; pairs: Map<string, string> } {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  let pairs = readPairs(lines[lines.length - 1]);
  if (pairs.size < 3) pairs = new Map();
  else lines.pop();
  const promptLines: string[] = [];
  const negativeLines: string[] = [];
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line.startsWith('Negative prompt:')) {
      negativeLines.push(line.slice('Negative prompt:'.length).trim());
      continue;
    }
    (negativeLines.length > 0 ? negativeLines : promptLines).push(line);
  }
  return { prompt: promptLines.join('\n'), negativePrompt: negativeLines.join('\n'), pairs };
}

function parseNumber(value: string, integer: boolean): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || (integer && !Number.isSafeInteger(number))) return undefined;
  return number;
}

function inferMode(pairs: Map<string, string>): GenerationMode {
  const mode = pairs.get('Mode');
  if (mode !== undefined && (GENERATION_MODES as readonly string[]).includes(mode)) return mode as GenerationMode;
  if (pairs.has('Mask blur')) return 'inpainting';
  if (pairs.has('Denoising strength') && !HIRES_KEYS.some((key) => pairs.has(key))) return 'image-to-image';
  return 'text-to-image';
}

/** Fields every mode's schema accepts, from the one place that defines them. */
const MODE_FIELDS = (() => {
  const schemas = defaultModeSchemas([]);
  return new Map(GENERATION_MODES.map((mode) => [mode, new Set<string>(schemas[mode].fields)]));
})();

/** A1111 keys that carry a numeric PredictionInput field, and whether the value must be an integer. */
const NUMERIC_INPUT_KEYS = new Map<string, [keyof PredictionInput, boolean]>([
  ['Steps', ['num_inference_steps', true]],
  ['CFG scale', ['guidance_scale', false]],
  ['Seed', ['seed', true]],
  ['Denoising strength', ['prompt_strength', false]],
  ['Batch size', ['num_outputs', true]],
]);

/** Reads one non-input key into `result`; false when the key is unknown or its value does not parse. */
function readKnownKey(result: ParsedParameters, key: string, value: string): boolean {
  switch (key) {
    case 'Size': {
      const size = /^(\d+)x(\d+)$/.exec(value);
      if (size) result.size = { width: Number(size[1]), height: Number(size[2]) };
      return size !== null;
    }
    case 'Batch pos':
      result.batchPosition = parseNumber(value, true);
      return result.batchPosition !== undefined;
    case 'Mask blur':
      result.maskBlur = parseNumber(value, false);
      return result.maskBlur !== undefined;
    case 'Schedule type':
      if (value === 'Karras') result.karrasSigmas = true;
      return value === 'Karras' || value === 'Automatic';
    case 'VAE':
      if (value === 'TAESD') result.decoder = 'taesd';
      return value === 'TAESD';
    case 'RNG':
      if (value !== 'CPU' && value !== 'NV' && value !== 'GPU') return false;
      result.noiseDevice = value === 'CPU' ? 'cpu' : 'cuda';
      return true;
    case 'Sampler':
      result.sampler = value;
      if (value.endsWith(' Karras')) result.karrasSigmas = true;
      return true;
    case 'Model':
      result.model = value;
      return true;
    case 'Version':
      result.version = value;
      return true;
    case 'Mode':
      return value === result.mode;
    default:
      return false;
  }
}

/**
 * Our scheduler: the exact `Scheduler` key when it names one of ours, else the one the A1111 sampler label means
 * ("DPM++ 2M Karras", A1111's label before 1.9 folded the schedule in, means DPM++ 2M).
 */
function schedulerOf(pairs: Map<string, string>): string | undefined {
  const exact = pairs.get('Scheduler');
  if (exact !== undefined && Object.hasOwn(SAMPLER_OF_SCHEDULER, exact)) return exact;
  const label = pairs.get('Sampler');
  return label === undefined ? undefined : SCHEDULER_OF_SAMPLER.get(label.replace(/ Karras$/, ''));
}

/**
 * Reads a parameters text, ours or another tool's. Never throws: text without a parameters line is all prompt,
 * and keys or values we do not understand are kept in `extra`.
 */
export function parseParameters(text: string): ParsedParameters {
  const { prompt, negativePrompt, pairs } = splitText(typeof text === 'string' ? text : '');
  // `extra` has no prototype: a foreign key such as "__proto__" stays an ordinary entry.
  const result: ParsedParameters = { input: {}, mode: inferMode(pairs), extra: Object.create(null) };
  const candidate: Record<string, unknown> = { prompt, negative_prompt: negativePrompt, scheduler: schedulerOf(pairs) };
  /** Which key each candidate field came from, to give it back to `extra` when the mode does not take it. */
  const sourceKey = new Map<string, string>();

  for (const [key, value] of pairs) {
    const numeric = NUMERIC_INPUT_KEYS.get(key);
    let understood: boolean;
    if (numeric) {
      const [field, integer] = numeric;
      const number = parseNumber(value, integer);
      understood = number !== undefined && (field !== 'seed' || number >= 0);
      if (understood) {
        candidate[field] = number;
        sourceKey.set(field, key);
      }
    } else if (key === 'Scheduler') {
      understood = candidate.scheduler === value;
    } else {
      understood = readKnownKey(result, key, value);
    }
    if (!understood) result.extra[key] = value;
  }
  if (pairs.size > 0) {
    // A1111 writes no batch keys for single images and no RNG key for its default source, GPU.
    candidate.num_outputs ??= 1;
    result.noiseDevice ??= pairs.has('RNG') ? undefined : 'cuda';
  }
  if (result.size) {
    candidate.width = result.size.width;
    candidate.height = result.size.height;
  }
  const accepted = MODE_FIELDS.get(result.mode)!;
  for (const [field, value] of Object.entries(candidate)) {
    if (value === undefined) continue;
    if (accepted.has(field)) (result.input as Record<string, unknown>)[field] = value;
    else if (sourceKey.has(field)) result.extra[sourceKey.get(field)!] = pairs.get(sourceKey.get(field)!)!;
  }
  return result;
}
