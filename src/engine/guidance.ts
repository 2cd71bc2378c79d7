// Latent-space arithmetic of the denoising loop, bit-exact with diffusers' float32 torch ops: classifier-free
// guidance (with the optional guidance rescale) and the VAE latent scaling around encode and decode.
import { EngineError, ModelContractError } from './errors';

const f = Math.fround;

/** Unbiased (N - 1) standard deviation of `count` values from `start`, accumulated in double like torch's CPU std. */
function sampleStd(values: Float32Array, start: number, count: number): number {
  let sum = 0;
  for (let i = start; i < start + count; i++) sum += values[i];
  const mean = sum / count;
  let squares = 0;
  for (let i = start; i < start + count; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  return Math.sqrt(squares / (count - 1));
}

/**
 * Classifier-free guidance (Ho & Salimans 2022) as in diffusers' StableDiffusionPipeline: `noisePred` is the
 * UNet output for the batch `[uncond | text]` (each half `batch` images), and the result is the `batch` guided
 * predictions `uncond + g * (text - uncond)`, each op rounded to float32 as torch does. Pipelines call it only
 * when g > 1 (diffusers' `do_classifier_free_guidance`); otherwise they run the text half alone.
 *
 * With `guidanceRescale` > 0, diffusers' `rescale_noise_cfg` (Lin et al. 2023, "Common Diffusion Noise
 * Schedules and Sample Steps are Flawed", sec. 3.4): each guided image is rescaled to the standard deviation
 * of its text prediction and mixed back, `r * cfg * std(text) / std(cfg) + (1 - r) * cfg`.
 */
export function applyClassifierFreeGuidance(
  noisePred: Float32Array,
  batch: number,
  guidanceScale: number,
  guidanceRescale = 0,
): Float32Array {
  if (!Number.isInteger(batch) || batch < 1 || noisePred.length % (2 * batch) !== 0) {
    throw new ModelContractError(
      `The UNet output for classifier-free guidance must hold 2 x ${batch} equal predictions, got ${noisePred.length} values.`,
    );
  }
  const half = noisePred.length / 2;
  const guided = new Float32Array(half);
  guideNoise(noisePred.subarray(0, half), noisePred.subarray(half), batch, guidanceScale, guidanceRescale, guided);
  return guided;
}

/**
 * `applyClassifierFreeGuidance` on the two halves as separate arrays, writing into `out` (which may be a view
 * into a larger batch): the pipelines run the unconditional and conditional passes as separate UNet calls, so
 * this saves concatenating them on every step.
 */
export function guideNoise(
  uncond: Float32Array,
  text: Float32Array,
  batch: number,
  guidanceScale: number,
  guidanceRescale: number,
  out: Float32Array,
): void {
  if (uncond.length !== text.length || out.length !== text.length || text.length % batch !== 0) {
    throw new ModelContractError(
      `Classifier-free guidance needs equal unconditional, conditional and output sizes divisible by ${batch}, ` +
        `got ${uncond.length}, ${text.length} and ${out.length} values.`,
    );
  }
  if (!Number.isFinite(guidanceScale) || !(guidanceRescale >= 0 && guidanceRescale <= 1)) {
    throw new EngineError(
      'invalid_input',
      `Guidance needs a finite scale and a rescale in [0, 1], got ${guidanceScale} and ${guidanceRescale}.`,
    );
  }
  const g = f(guidanceScale);
  for (let i = 0; i < out.length; i++) {
    const u = uncond[i];
    out[i] = u + f(g * f(text[i] - u));
  }
  if (guidanceRescale > 0) {
    // torch multiplies a float32 tensor by a Python float in float32; `1 - r` is formed in double first.
    const mix = f(guidanceRescale);
    const keep = f(1 - guidanceRescale);
    const perImage = out.length / batch;
    for (let b = 0; b < batch; b++) {
      const start = b * perImage;
      const ratio = f(f(sampleStd(text, start, perImage)) / f(sampleStd(out, start, perImage)));
      for (let i = start; i < start + perImage; i++) {
        const cfg = out[i];
        out[i] = f(mix * f(cfg * ratio)) + f(keep * cfg);
      }
    }
  }
}

/**
 * Encoder side, `scaling_factor * latents` (diffusers img2img/inpaint `prepare_latents`): the unit-variance
 * latents the UNet works on. torch applies the Python float as a float32 scalar.
 */
export function scaleLatents(latents: Float32Array, scalingFactor: number): Float32Array {
  const factor = f(scalingFactor);
  const out = new Float32Array(latents.length);
  for (let i = 0; i < latents.length; i++) out[i] = latents[i] * factor;
  return out;
}

/**
 * Decoder side, `latents / scaling_factor` before `vae.decode`. A true float32 division by the float32 factor:
 * that reproduces torch bit for bit, while multiplying by the reciprocal differs in the last bit for ~1/5 of
 * values (checked against the reference vectors).
 */
export function unscaleLatents(latents: Float32Array, scalingFactor: number): Float32Array {
  const factor = f(scalingFactor);
  const out = new Float32Array(latents.length);
  for (let i = 0; i < latents.length; i++) out[i] = latents[i] / factor;
  return out;
}
