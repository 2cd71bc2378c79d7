// Inpainting masks: binarised pixel and latent masks as diffusers' StableDiffusionInpaintPipeline prepares them,
// the masked-image tensor, and the feathered mask + composite that put the input's own pixels back outside
// the painted area after decoding.
import { EngineError } from './errors';
import { checkImage, checkSize, type RgbaImage } from './rgbaImage';
import { resamplePixels } from './imageResize';

/** Pixels per latent cell in every SD 1.x/2.x VAE (diffusers `vae_scale_factor`). */
const VAE_SCALE_FACTOR = 8;

/**
 * Grey level of each pixel as PIL's `convert("L")` computes it (libImaging/Convert.c `L24`: ITU-R 601-2 luma
 * in 16-bit fixed point, rounded), which diffusers' mask processor applies (`do_convert_grayscale`).
 * Alpha is ignored, as PIL ignores it: paint the mask white on black.
 */
export function maskLuma(mask: RgbaImage): Uint8ClampedArray {
  const plane = mask.width * mask.height;
  const d = mask.data;
  const luma = new Uint8ClampedArray(plane);
  for (let p = 0, q = 0; p < plane; p++, q += 4) {
    luma[p] = (d[q] * 19595 + d[q + 1] * 38470 + d[q + 2] * 7471 + 0x8000) >> 16;
  }
  return luma;
}

/**
 * diffusers' `do_binarize` maps `float32(L) / 255 < 0.5` to 0 and the rest to 1; 127/255 < 0.5 <= 128/255,
 * so that is L >= 128.
 */
const BINARY_THRESHOLD = 128;

/**
 * `[1, 1, height, width]` in {0, 1}, 1 = repaint: diffusers' mask processor (`do_normalize=False,
 * do_binarize=True, do_convert_grayscale=True`): grey, Lanczos-resized to the pipeline size when it differs,
 * then binarised.
 */
export function maskToPixelMask(mask: RgbaImage, width: number, height: number): Float32Array {
  checkImage(mask, 'The mask');
  checkSize(width, height, 'The pixel mask size');
  const luma = resamplePixels(maskLuma(mask), mask.width, mask.height, 1, width, height);
  const out = new Float32Array(width * height);
  for (let p = 0; p < out.length; p++) out[p] = luma[p] >= BINARY_THRESHOLD ? 1 : 0;
  return out;
}

/**
 * Source index of torch's `interpolate(mode="nearest")` (UpSampleKernel.cpp `nearest_idx`): the float32
 * scale in/out times the output index, floored (so an 8x reduction reads the top-left pixel of each cell).
 */
function nearestSourceIndex(outIndex: number, inSize: number, outSize: number): number {
  if (inSize === outSize) return outIndex;
  if (outSize === 2 * inSize) return outIndex >> 1;
  const scale = Math.fround(inSize / outSize);
  return Math.min(Math.floor(Math.fround(outIndex * scale)), inSize - 1);
}

/**
 * `[1, 1, latentHeight, latentWidth]` in {0, 1}: the pixel mask at the pipeline size (8x the latent size) shrunk
 * with `torch.nn.functional.interpolate(mask, size=latent size)`, nearest, as diffusers'
 * `prepare_mask_latents` does. Pass the mask at the pipeline's pixel size to match diffusers exactly.
 */
export function maskToLatentMask(mask: RgbaImage, latentWidth: number, latentHeight: number): Float32Array {
  const width = latentWidth * VAE_SCALE_FACTOR;
  const height = latentHeight * VAE_SCALE_FACTOR;
  const pixelMask = maskToPixelMask(mask, width, height);
  const out = new Float32Array(latentWidth * latentHeight);
  for (let y = 0; y < latentHeight; y++) {
    const row = nearestSourceIndex(y, height, latentHeight) * width;
    for (let x = 0; x < latentWidth; x++) {
      out[y * latentWidth + x] = pixelMask[row + nearestSourceIndex(x, width, latentWidth)];
    }
  }
  return out;
}

/**
 * The inpainting UNet's masked-image input before encoding: diffusers' `image * (mask < 0.5)`, so pixels to
 * repaint become 0 (mid-grey in [-1, 1]). `imageTensor` is `[1, 3, H, W]`, `pixelMask` `[1, 1, H, W]`.
 */
export function maskedImageTensor(imageTensor: Float32Array, pixelMask: Float32Array): Float32Array {
  const plane = pixelMask.length;
  if (imageTensor.length !== 3 * plane) {
    throw new EngineError(
      'invalid_input',
      `The image tensor must have 3 values per mask pixel (${3 * plane}), got ${imageTensor.length}.`,
    );
  }
  const out = new Float32Array(imageTensor.length);
  for (let p = 0; p < plane; p++) {
    // Multiplying (not assigning 0) keeps torch's sign of zero for negative pixels.
    const keep = pixelMask[p] < 0.5 ? 1 : 0;
    out[p] = imageTensor[p] * keep;
    out[plane + p] = imageTensor[plane + p] * keep;
    out[2 * plane + p] = imageTensor[2 * plane + p] * keep;
  }
  return out;
}

/**
 * Odd box widths whose three-fold repetition approximates a Gaussian of standard deviation `sigma`
 * (Kovesi, "Fast Almost-Gaussian Filtering", DICTA 2010): m boxes of width wl, the rest wl + 2.
 */
function boxWidthsForGaussian(sigma: number): number[] {
  const passes = 3;
  const ideal = Math.sqrt((12 * sigma * sigma) / passes + 1);
  let lower = Math.floor(ideal);
  if (lower % 2 === 0) lower--;
  const m = Math.round((12 * sigma * sigma - passes * lower * lower - 4 * passes * lower - 3 * passes) / (-4 * lower - 4));
  const widths: number[] = [];
  for (let i = 0; i < passes; i++) widths.push(i < m ? lower : lower + 2);
  return widths;
}

/**
 * Unnormalised box sums of half-width `r` along lines of `n` values `stride` apart, edges extended. The inputs
 * are integers, so the running sums are exact (the caller keeps them below 2^53).
 */
function boxSumLines(
  values: Float64Array,
  lines: number,
  n: number,
  lineStep: number,
  stride: number,
  r: number,
  line: Float64Array,
): void {
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    for (let i = 0; i < n; i++) line[i] = values[base + i * stride];
    let sum = line[0] * (r + 1);
    for (let j = 1; j <= r; j++) sum += line[Math.min(j, n - 1)];
    for (let i = 0; i < n; i++) {
      values[base + i * stride] = sum;
      sum += line[Math.min(i + r + 1, n - 1)] - line[Math.max(i - r, 0)];
    }
  }
}

/** Largest blur standard deviation: keeps the product of six box widths, the exact integer sums, below 2^53. */
const MAX_FEATHER_RADIUS = 128;

/**
 * A soft repaint mask `[H*W]` in [0, 1] for compositing the decoded image over the input: the binarised mask
 * blurred with an almost-Gaussian of standard deviation `radius` pixels (A1111's "mask blur" is also a
 * Gaussian's sigma), then multiplied by the binary mask. The product feathers only *inward*: m is exactly 0
 * on every black pixel, so the output keeps the input's pixels everywhere outside the mask (unlike A1111,
 * whose blur reaches a few pixels outside), and exactly 1 further than about 3 * radius + 3 pixels inside.
 */
export function featherMask(mask: RgbaImage, radius: number): Float32Array {
  checkImage(mask, 'The mask');
  if (!(radius >= 0 && radius <= MAX_FEATHER_RADIUS)) {
    throw new EngineError('invalid_input', `The mask blur radius must be between 0 and ${MAX_FEATHER_RADIUS} pixels, got ${radius}.`);
  }
  const { width, height } = mask;
  const luma = maskLuma(mask);
  const binary = new Float64Array(width * height);
  for (let p = 0; p < binary.length; p++) binary[p] = luma[p] >= BINARY_THRESHOLD ? 1 : 0;
  const blurred = Float64Array.from(binary);
  const widths = boxWidthsForGaussian(radius);
  const line = new Float64Array(Math.max(width, height));
  let divisor = 1;
  for (const w of widths) {
    const r = (w - 1) / 2;
    boxSumLines(blurred, height, width, width, 1, r, line);
    boxSumLines(blurred, width, height, 1, width, r, line);
    divisor *= w * w;
  }
  const out = new Float32Array(width * height);
  for (let p = 0; p < out.length; p++) out[p] = binary[p] * (blurred[p] / divisor);
  return out;
}

/**
 * `original * (1 - m) + generated * m` per channel (alpha included), rounded to bytes. Written as
 * `o + (g - o) * m` so that m = 0 gives the original byte and m = 1 the generated byte exactly.
 */
export function compositeWithMask(original: RgbaImage, generated: RgbaImage, softMask: Float32Array): RgbaImage {
  checkImage(original, 'The original image');
  checkImage(generated, 'The generated image');
  const { width, height } = original;
  if (generated.width !== width || generated.height !== height || softMask.length !== width * height) {
    throw new EngineError(
      'invalid_input',
      `Compositing needs the original (${width}x${height}), the generated image ` +
        `(${generated.width}x${generated.height}) and the mask (${softMask.length} values) at one size.`,
    );
  }
  const o = original.data;
  const g = generated.data;
  const data = new Uint8ClampedArray(o.length);
  for (let p = 0, q = 0; p < softMask.length; p++, q += 4) {
    const m = softMask[p];
    data[q] = o[q] + (g[q] - o[q]) * m;
    data[q + 1] = o[q + 1] + (g[q + 1] - o[q + 1]) * m;
    data[q + 2] = o[q + 2] + (g[q + 2] - o[q + 2]) * m;
    data[q + 3] = o[q + 3] + (g[q + 3] - o[q + 3]) * m;
  }
  return { width, height, data };
}
