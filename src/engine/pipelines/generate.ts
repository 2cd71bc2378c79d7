// One entry point for the three modes, so the worker and the tests dispatch on the prediction's mode.
import type { StableDiffusionModel } from '../model';
import type { GenerationMode } from '../../predictions/PredictionInput';
import type { EngineInput } from './engineInput';
import { imageToImage } from './imageToImage';
import { inpaint } from './inpaint';
import type { GenerationResult, RunOptions } from './runContext';
import { textToImage } from './textToImage';

const PIPELINES = {
  'text-to-image': textToImage,
  'image-to-image': imageToImage,
  inpainting: inpaint,
} satisfies Record<GenerationMode, unknown>;

export function generate(
  model: StableDiffusionModel,
  mode: GenerationMode,
  input: EngineInput,
  options?: RunOptions,
): Promise<GenerationResult> {
  return PIPELINES[mode](model, input, options);
}
