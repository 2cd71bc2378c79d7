// Sigma-space helpers shared by the Karras-style schedulers (Euler, LMS, Heun, KDPM2, DPM-Solver, UniPC):
// the training sigmas, Karras et al.'s rho-spaced schedule, and mapping a sigma back to a fractional timestep.
// Reference: diffusers `_convert_to_karras` and `_sigma_to_t` (numpy, float64 unless noted).
import { numpyLinspace, numpyLogFloat32 } from './schedulerMath';

/** `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5` in float32, as diffusers computes it with torch. */
export function trainingSigmas(alphasCumprod: Float32Array): Float32Array {
  const f = Math.fround;
  return alphasCumprod.map((a) => Math.sqrt(f(f(1 - a) / a)));
}

/**
 * Natural log of each training sigma as diffusers' `np.log` on the float32 array gives it (numpy's SIMD log,
 * which differs from the correctly rounded value in about one entry in five).
 */
export function logSigmas(sigmas: Float32Array): Float32Array {
  return sigmas.map(numpyLogFloat32);
}

/**
 * Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models", eq. 5) with rho = 7:
 * `n` sigmas from `sigmaMax` down to `sigmaMin`, evenly spaced in sigma^(1/rho).
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7;
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return numpyLinspace(0, 1, n).map((ramp) => (maxInvRho + ramp * (minInvRho - maxInvRho)) ** rho);
}

/**
 * The fractional training timestep whose log-sigma matches `sigma`, interpolating linearly between the two
 * neighbouring training steps (diffusers `_sigma_to_t`). `logSigmaTable` increases with the timestep and holds
 * float32 values, so the bracket width `low - high` is a float32 difference, as numpy computes it; the rest is
 * float64 (numpy >= 2 keeps a float64 scalar's precision against a float32 array).
 */
export function sigmaToTimestep(sigma: number, logSigmaTable: ArrayLike<number>): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const low = bracketStart(logSigma, logSigmaTable);
  const lowValue = logSigmaTable[low];
  const w = clamp01((lowValue - logSigma) / Math.fround(lowValue - logSigmaTable[low + 1]));
  return (1 - w) * low + w * (low + 1);
}

/**
 * `_sigma_to_t` as KDPM2 runs it on its interpolated sigmas: there the sigma and the log-sigma table are torch
 * float32 tensors, so every operation rounds to float32.
 */
export function sigmaToTimestepFloat32(sigma: number, logSigmaTable: ArrayLike<number>): number {
  const f = Math.fround;
  const logSigma = f(Math.log(Math.max(sigma, f(1e-10))));
  const low = bracketStart(logSigma, logSigmaTable);
  const lowValue = logSigmaTable[low];
  const w = clamp01(f(f(lowValue - logSigma) / f(lowValue - logSigmaTable[low + 1])));
  return f(f(f(1 - w) * low) + f(w * (low + 1)));
}

/** Last index whose log-sigma is <= the target (0 if none), kept so that index + 1 exists. */
function bracketStart(logSigma: number, logSigmaTable: ArrayLike<number>): number {
  const n = logSigmaTable.length;
  let low = 0;
  for (let i = 0; i < n; i++) if (logSigma - logSigmaTable[i] >= 0) low = i;
  return Math.min(low, n - 2);
}

function clamp01(w: number): number {
  return Math.min(Math.max(w, 0), 1);
}
