// Pixels <-> NCHW tensors for the VAE (diffusers VaeImageProcessor pre/postprocess, bit-exact), the cheap
// latent-to-RGB preview, and the NaN/Inf guard on model outputs. Resizing and masks live in imageResize.ts and
// imageMask.ts and are re-exported here so the pipelines import image helpers from one place.
import { EngineError, NonFiniteOutputError } from './errors';
import { checkImage, type RgbaImage } from './rgbaImage';

export type { RgbaImage } from './rgbaImage';

export { resizeImage, fitWithin } from './imageResize';
export {
  maskToPixelMask,
  maskToLatentMask,
  maskedImageTensor,
  featherMask,
  compositeWithMask,
} from './imageMask';

/**
 * byte -> [-1, 1] as float32, exactly diffusers' `pil_to_numpy` (`float32(u8) / 255`) followed by `normalize`
 * (`2 * x - 1`, a float32 torch op). The double expression `2 * x - 1` is exact, so storing it rounds once,
 * as torch does.
 */
const BYTE_TO_UNIT_RANGE = (() => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = 2 * Math.fround(v / 255) - 1;
  return table;
})();

/**
 * An image as the VAE encoder input `[1, 3, H, W]` in [-1, 1] (diffusers VaeImageProcessor.preprocess).
 * Alpha is dropped, not composited: diffusers converts inputs with `image.convert("RGB")`, which discards
 * alpha, so a transparent pixel contributes its stored RGB.
 */
export function imageToTensor(image: RgbaImage): Float32Array {
  checkImage(image, 'The image');
  const plane = image.width * image.height;
  const data = image.data;
  const out = new Float32Array(3 * plane);
  for (let p = 0, q = 0; p < plane; p++, q += 4) {
    out[p] = BYTE_TO_UNIT_RANGE[data[q]];
    out[plane + p] = BYTE_TO_UNIT_RANGE[data[q + 1]];
    out[2 * plane + p] = BYTE_TO_UNIT_RANGE[data[q + 2]];
  }
  return out;
}

/**
 * Planes R, G, B of a VAE output in [-1, 1] (from `base`) -> RGBA bytes as diffusers' `postprocess(output_type=
 * "pil")`: `(x / 2 + 0.5).clamp(0, 1)` in float32, then numpy's `(y * 255).round()` in float32 — the
 * Uint8ClampedArray store (ECMAScript ToUint8Clamp) rounds half to even as numpy does, and makes NaN 0. Written out
 * in the loop, no call per value: this runs once per job on a cold JIT, where a call per value doubled its time.
 * Returns the sum of the values read, for the finiteness check.
 */
function signedPlanesToRgba(tensor: Float32Array, base: number, plane: number, data: Uint8ClampedArray): number {
  let sum = 0;
  const fround = Math.fround;
  for (let p = 0, q = 0; p < plane; p++, q += 4) {
    const r = tensor[base + p];
    const g = tensor[base + plane + p];
    const b = tensor[base + 2 * plane + p];
    sum += r + g + b;
    // x / 2 of a float32 is exact except below 2^-125, where adding 0.5 absorbs the difference anyway.
    let y = fround(r * 0.5 + 0.5);
    data[q] = fround((y < 0 ? 0 : y > 1 ? 1 : y) * 255);
    y = fround(g * 0.5 + 0.5);
    data[q + 1] = fround((y < 0 ? 0 : y > 1 ? 1 : y) * 255);
    y = fround(b * 0.5 + 0.5);
    data[q + 2] = fround((y < 0 ? 0 : y > 1 ? 1 : y) * 255);
    data[q + 3] = 255;
  }
  return sum;
}

/** As `signedPlanesToRgba` for TAESD's [0, 1] output (the byte store clamps). */
function unitPlanesToRgba(tensor: Float32Array, base: number, plane: number, data: Uint8ClampedArray): number {
  let sum = 0;
  for (let p = 0, q = 0; p < plane; p++, q += 4) {
    const r = tensor[base + p];
    const g = tensor[base + plane + p];
    const b = tensor[base + 2 * plane + p];
    sum += r + g + b;
    data[q] = r * 255;
    data[q + 1] = g * 255;
    data[q + 2] = b * 255;
    data[q + 3] = 255;
  }
  return sum;
}

/**
 * VAE decoder output `[batch, 3, H, W]` in [-1, 1] -> one opaque RGBA image per batch entry. With `what`, NaN and
 * ±Infinity are rejected in the same pass (NonFiniteOutputError naming `what`).
 */
export function tensorToImages(
  tensor: Float32Array,
  batch: number,
  width: number,
  height: number,
  what?: string,
  /** 'signed': the VAE's [-1, 1]; 'unit': TAESD's [0, 1]. */
  range: 'signed' | 'unit' = 'signed',
): RgbaImage[] {
  const plane = width * height;
  if (!Number.isInteger(batch) || batch < 1 || tensor.length !== batch * 3 * plane) {
    throw new EngineError(
      'invalid_input',
      `A decoded tensor of ${batch} image(s) at ${width}x${height} needs ${batch * 3 * plane} values, got ${tensor.length}.`,
    );
  }
  const images: RgbaImage[] = [];
  for (let b = 0; b < batch; b++) {
    const base = b * 3 * plane;
    const data = new Uint8ClampedArray(4 * plane);
    // A sum of float32 values can't overflow a double, so it is finite exactly when every value is: one addition
    // per value instead of a test per value. The slow path finds the culprit for the message.
    const sum = range === 'unit' ? unitPlanesToRgba(tensor, base, plane, data) : signedPlanesToRgba(tensor, base, plane, data);
    if (what !== undefined && !Number.isFinite(sum)) assertFinite(tensor.subarray(base, base + 3 * plane), what);
    images.push({ width, height, data });
  }
  return images;
}

/**
 * SD 1.x latent channels -> RGB, row c = latent channel c, columns R, G, B. A least-squares fit published by
 * keturn (discuss.huggingface.co/t/decoding-latents-to-rgb-without-upscaling/23204/2) and used as
 * "Approx cheap" by AUTOMATIC1111 (modules/sd_vae_approx.py `cheap_approximation`) and as the first
 * ComfyUI latent2rgb factors (comfy/latent_formats.py `SD15`). It maps the UNet-space latents (not divided by
 * the VAE scaling factor) to roughly [-1, 1].
 */
const LATENT_RGB_FACTORS = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
] as const;

/**
 * A live preview of batch entry `index` of `[batch, 4, h, w]` latents, at latent resolution (the UI scales it
 * up). Like A1111's sd_samplers_common (`cheap_approximation(sample) * 0.5 + 0.5`, clamped, times 255).
 */
export function latentsToPreviewImage(
  latents: Float32Array,
  index: number,
  latentWidth: number,
  latentHeight: number,
): RgbaImage {
  const plane = latentWidth * latentHeight;
  const perImage = 4 * plane;
  if (plane < 1 || latents.length % perImage !== 0 || !Number.isInteger(index) || index < 0 || (index + 1) * perImage > latents.length) {
    throw new EngineError(
      'invalid_input',
      `Latents of ${latents.length} values do not hold image ${index} of 4x${latentHeight}x${latentWidth} latents.`,
    );
  }
  const [c0, c1, c2, c3] = LATENT_RGB_FACTORS;
  const base = index * perImage;
  const data = new Uint8ClampedArray(4 * plane);
  for (let p = 0, q = 0; p < plane; p++, q += 4) {
    const l0 = latents[base + p];
    const l1 = latents[base + plane + p];
    const l2 = latents[base + 2 * plane + p];
    const l3 = latents[base + 3 * plane + p];
    // (v * 0.5 + 0.5) * 255; the Uint8ClampedArray store clamps to [0, 255] and rounds.
    data[q] = (l0 * c0[0] + l1 * c1[0] + l2 * c2[0] + l3 * c3[0] + 1) * 127.5;
    data[q + 1] = (l0 * c0[1] + l1 * c1[1] + l2 * c2[1] + l3 * c3[1] + 1) * 127.5;
    data[q + 2] = (l0 * c0[2] + l1 * c1[2] + l2 * c2[2] + l3 * c3[2] + 1) * 127.5;
    data[q + 3] = 255;
  }
  return { width: latentWidth, height: latentHeight, data };
}

/**
 * Throws NonFiniteOutputError when `values` hold NaN or ±Infinity, naming the output (`what`, e.g. "VAE
 * decoder output") and the counts, so a float16 overflow is reported instead of decoded into a black image.
 */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  let nan = 0;
  let infinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      // v - v is 0 for every finite number and NaN for NaN and ±Infinity: one test on the common path.
      if (v !== v) nan++;
      else infinite++;
    }
  }
  if (nan + infinite > 0) {
    throw new NonFiniteOutputError(
      `${what} must be finite numbers, but ${nan} of its ${values.length} values are NaN and ${infinite} are ` +
        'infinite (the model overflowed, most often in float16).',
    );
  }
}
