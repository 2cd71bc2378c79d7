// The session interface the engine needs from an ONNX runtime. onnxruntime-web (worker) and onnxruntime-node
// (tests, scripts) are wrapped into it by src/runtime/OrtModelSession.ts; the engine itself never imports onnxruntime.

export type TensorElementType = 'float32' | 'float16' | 'int32' | 'int64';
export type TensorData = Float32Array | Uint16Array | Int32Array | BigInt64Array;

/** Name, element type and shape of a graph input or output, as the session metadata reports them. */
export interface TensorInfo {
  name: string;
  /** The runtime's type name: 'float32', 'float16', 'int32', 'int64', ... */
  type: string;
  /** Static sizes as numbers, dynamic ones as their symbolic names; undefined when the graph does not say. */
  shape?: ReadonlyArray<number | string>;
}

/** A tensor in host memory that the engine built. float16 data is raw binary16 bits. */
export interface HostTensor {
  type: TensorElementType;
  dims: readonly number[];
  data: TensorData;
}

/**
 * A tensor a session produced. It may still live in device memory (WebGPU): `read()` downloads it, and passing
 * it back as a feed of another run keeps it on the device. `dispose()` frees device memory; call it once done.
 */
export interface SessionTensor {
  readonly type: string;
  readonly dims: readonly number[];
  read(): Promise<TensorData>;
  dispose(): void;
}

export type SessionFeed = HostTensor | SessionTensor;

export function isHostTensor(feed: SessionFeed): feed is HostTensor {
  return 'data' in feed;
}

/** One loaded graph. Runs are serialised by the caller: ORT web rejects concurrent runs on one session. */
export interface ModelSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  run(feeds: Record<string, SessionFeed>): Promise<Record<string, SessionTensor>>;
  release(): Promise<void>;
}

/**
 * The four graphs of a Stable Diffusion ONNX export, named by their folders, plus an optional fast decoder: TAESD
 * (madebyollin/taesd), which a source may supply from another folder (it takes raw latents, gives [0, 1] pixels).
 */
export type ModelComponent = 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder' | 'taesd_decoder';

/** Where a model's files come from: a folder on disk, HTTP, or the IndexedDB weight store. */
export interface ModelSource {
  /** Text of a file under the model root (e.g. 'scheduler/scheduler_config.json'), or null if absent. */
  readText(path: string): Promise<string | null>;
  /** Whether the export has this component (txt2img-only exports may lack a VAE encoder). */
  hasComponent(component: ModelComponent): Promise<boolean>;
  createSession(component: ModelComponent): Promise<ModelSession>;
}
