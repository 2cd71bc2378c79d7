// The prediction contract every generator speaks: Replicate's input vocabulary (snake_case on purpose, these are
// the API's wire names) and the Prediction record the UI, the history and the remote clients share.

export type GenerationMode = 'text-to-image' | 'image-to-image' | 'inpainting';

export const GENERATION_MODES: readonly GenerationMode[] = ['text-to-image', 'image-to-image', 'inpainting'];

/**
 * What a user (or a remote API call) asks for. `TImage` is how images travel: URLs or data URLs on the wire,
 * decoded pixels (`RgbaImage`) inside the engine.
 */
export interface PredictionInput<TImage = string> {
  prompt?: string;
  negative_prompt?: string;
  width?: number;
  height?: number;
  scheduler?: string;
  num_outputs?: number;
  guidance_scale?: number;
  num_inference_steps?: number;
  prompt_strength?: number;
  image?: TImage;
  mask?: TImage;
  seed?: number;
}

/** The numeric and string fields with their defaults applied; images are carried separately. */
export interface ResolvedSettings {
  prompt: string;
  negative_prompt: string;
  width: number;
  height: number;
  scheduler: string;
  num_outputs: number;
  guidance_scale: number;
  num_inference_steps: number;
  /** Image-to-image only; 1 elsewhere (the whole schedule runs). */
  prompt_strength: number;
  /** Absent when the caller wants a random seed; the generator picks one and reports it. */
  seed?: number;
}

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

export interface PredictionMetrics {
  predict_time?: number;
  total_time?: number;
  [name: string]: number | undefined;
}

export interface Prediction {
  id: string;
  model: string;
  version?: string;
  input: PredictionInput;
  status: PredictionStatus;
  output: string[] | null;
  error: string | null;
  logs: string;
  metrics: PredictionMetrics;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  /** Which generator ran it, e.g. "local · WebGPU" or "replicate". */
  backend: string;
}
