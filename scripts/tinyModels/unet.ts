// The tiny UNet: `sample [batch, 4|9, height, width]`, `timestep`, `encoder_hidden_states [batch, sequence, D]` →
// `out_sample [batch, 4, height, width]`, the predicted noise. It is the exact posterior-mean denoiser for the prior
// "clean latents = g + r": g is a small network's prompt-steered guess (unetGuess.ts) and r is Gaussian with more
// power at coarse scales than at fine ones, as in natural images. At low noise it keeps what the sample shows (so
// image-to-image keeps the picture), at high noise it leans on g, and sampling draws r's layout from the seed.
import onnxProto from 'onnx-proto';
import { averagePool, resizeLike, sliceAxis } from './layers';
import { noiseLevelAt, type NoiseLevel } from './noiseSchedule';
import { dataType, GraphBuilder, type Dim } from './onnxBuilder';
import { cleanLatentGuess } from './unetGuess';
import { TINY_SIZES, type TinyModelVariant } from './variants';

const LATENTS = TINY_SIZES.latentChannels;
/** Band pooling factors: the bands are x − L2, L2 − L4, L4 − L8 and L8 (Lp: x pooled p x p, resized back). */
const BAND_POOLS = [2, 4, 8];
/** Per band, finest first: r's power in the band relative to white noise's power there (the band's prior SNR). */
const BAND_PRIOR_SNR = [0.02, 0.2, 1, 4];

function timestepDims(variant: TinyModelVariant): Dim[] {
  return variant.timestepShape === 'batch' ? ['batch'] : variant.timestepShape === 'one' ? [1] : [];
}

/**
 * The noise a sampler should remove, per band a Wiener filter (Wiener 1949). With x = a·x0 + b·n (DDPM, Ho et al.
 * 2020, eq. 4) and x0 = g + r, the posterior mean is x0̂ = g + Σ_k a·P_k / (a²·P_k + b²) · B_k(x − a·g), so the
 * implied noise (x − a·x0̂) / b is Σ_k b / (a²·P_k + b²) · B_k(x − a·g): no division by b, finite even at t = 0.
 * The band sum telescopes into w_1·y + Σ_k (w_{k+1} − w_k)·L_{p_k}(y) with y = x − a·g.
 */
function wienerNoisePrediction(b: GraphBuilder, latents: string, guess: string, { signal, noise }: NoiseLevel): string {
  const residual = b.op('Sub', [latents, b.op('Mul', [signal, guess])]);
  const signalPower = b.op('Mul', [signal, signal]);
  const noisePower = b.op('Mul', [noise, noise]);
  const weights = BAND_PRIOR_SNR.map((snr) =>
    b.op('Div', [noise, b.op('Add', [b.op('Mul', [signalPower, b.floatConstant(snr)]), noisePower])]),
  );
  let prediction = b.op('Mul', [weights[0], residual]);
  BAND_POOLS.forEach((pool, k) => {
    const lowPass = resizeLike(b, averagePool(b, residual, pool), residual);
    prediction = b.op('Add', [prediction, b.op('Mul', [b.op('Sub', [weights[k + 1], weights[k]]), lowPass])]);
  });
  return prediction;
}

export function buildUnet(variant: TinyModelVariant): onnxProto.onnx.ModelProto {
  const channels = variant.unetInChannels;
  const b = new GraphBuilder();
  const sample = b.floatInput('sample', variant.floatType, ['batch', channels, 'height', 'width']);
  const timestepInput = b.input('timestep', variant.timestepType, timestepDims(variant));
  const timestep =
    variant.timestepType === 'float32' ? timestepInput : b.op('Cast', [timestepInput], { to: dataType('float32') });
  const hiddenDims = ['batch', 'sequence', TINY_SIZES.hiddenSize];
  const textStates = b.floatInput('encoder_hidden_states', variant.floatType, hiddenDims);

  const latents = channels === LATENTS ? sample : sliceAxis(b, sample, 1, 0, LATENTS);
  const noiseLevel = noiseLevelAt(b, timestep);
  const guess = cleanLatentGuess(b, { sample, latents, textStates, inChannels: channels }, noiseLevel);
  let noisePrediction = wienerNoisePrediction(b, latents, guess, noiseLevel);
  if (channels === 9) {
    // Inpainting input: [latents (4), mask (1, 1 = repaint), masked-image latents (4)]. Outside the mask the clean
    // latents are known to be the image's, so the noise there is exactly (x − a·image) / b: the sampler keeps them.
    const mask = sliceAxis(b, sample, 1, LATENTS, LATENTS + 1);
    const imageLatents = sliceAxis(b, sample, 1, LATENTS + 1, 2 * LATENTS + 1);
    const known = b.op('Div', [b.op('Sub', [latents, b.op('Mul', [noiseLevel.signal, imageLatents])]), noiseLevel.noise]);
    noisePrediction = b.op('Add', [known, b.op('Mul', [mask, b.op('Sub', [noisePrediction, known])])]);
  }
  b.floatOutput('out_sample', variant.floatType, ['batch', LATENTS, 'height', 'width'], noisePrediction);
  return b.build('unet', `Tiny Wiener-denoiser UNet (${channels} input channels) for tests and the built-in demo.`);
}
