// What every backend shares besides the prediction input: which model runs and where (ModelRef), how the user asked
// it to run (GenerateOptions, BackendPreference), what actually ran it (BackendInfo) and how a failure crosses a
// boundary (SerializedError). The local worker, the remote clients and the server all speak these.
import type { FieldError } from './errors';
import type { ModelProfile } from './modelSchemas';

/** Which PyTorch generator a seed follows: torch's CPU generator, or A1111's imitation of CUDA's ("NV"). */
export type NoiseDevice = 'cpu' | 'cuda';

export type ModelDtype = 'float32' | 'float16';

/** Which model to run and where the local engine reads its files. */
export interface ModelRef {
  id: string;
  /**
   * URL of a model folder served over HTTP, ending in '/' (tests and tools). Without one, the model is read from
   * the IndexedDB weight store, where the app keeps every downloaded or imported model (the demo included).
   */
  baseUrl?: string;
  profile?: ModelProfile;
  /**
   * The float type the graphs compute in, when the catalog knows it. 'float16' lets the worker pick WASM up front on
   * a GPU without shader-f16; when absent the worker reads it from the graphs' metadata as it creates them.
   */
  dtype?: ModelDtype;
  /** A stored TAESD decoder (its model id) the engine may decode with instead of the model's VAE. */
  fastDecoderId?: string;
}

export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

/** Which execution provider (or remote service) runs, in words the UI shows, and why a faster one is not used. */
export interface BackendInfo {
  kind: 'webgpu' | 'wasm' | 'remote';
  /** "WebGPU · SwiftShader", "WASM · 2 threads", "Replicate". */
  label: string;
  /** Why WebGPU or more threads are not in use (empty when nothing faster exists). */
  reasons: string[];
  /** WASM threads in use (1 when not cross-origin isolated; 0 for a remote service). */
  threads: number;
  /** The WebGPU adapter's description when one was found. */
  adapter?: string;
}

/** How the prompt is read: as Replicate and diffusers do ('none'), or with A1111's emphasis and 75-token chunks. */
export type PromptWeighting = 'none' | 'a1111';

export interface GenerateOptions {
  noiseDevice: NoiseDevice;
  maskBlur: number;
  previewEvery: number;
  promptWeighting?: PromptWeighting;
  /** The Karras noise schedule (diffusers' use_karras_sigmas) for the schedulers that have it; local runs only. */
  karrasSigmas?: boolean;
  /** Which decoder turns latents into pixels (local runs): the model's VAE, or TAESD. */
  decoder?: DecoderChoice;
}

/** The model's own VAE decoder, or TAESD (a tiny approximate decoder, stored as its own model). */
export type DecoderChoice = 'vae' | 'taesd';

export interface SerializedError {
  name: string;
  /**
   * EngineError codes plus the worker's own: 'no_adapter', 'device_lost', 'out_of_memory', 'fp16_unsupported'
   * (a float16 graph on a GPU without shader-f16), 'worker_crashed', 'unknown'; the weight store's:
   * 'weights_missing' (not completely downloaded), 'weights_damaged' (a stored chunk failed its check on load; the
   * file record lists it for the app to fetch again); and the remote clients' (see generators/remote).
   */
  code: string;
  message: string;
  fieldErrors?: FieldError[];
}
