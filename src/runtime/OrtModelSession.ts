// Adapts an onnxruntime InferenceSession (web or node: they share one API) to the engine's ModelSession.
// The onnxruntime module is passed in, so this file imports only types and works with either package.
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { isHostTensor, type ModelSession, type SessionFeed, type SessionTensor, type TensorData, type TensorInfo } from '../engine';

/** The two classes of the onnxruntime API the adapter needs. */
export interface OrtApi {
  Tensor: typeof Tensor;
  InferenceSession: typeof InferenceSession;
}

class OrtSessionTensor implements SessionTensor {
  constructor(readonly tensor: Tensor) {}
  get type() {
    return this.tensor.type;
  }
  get dims() {
    return this.tensor.dims;
  }
  async read(): Promise<TensorData> {
    const data = this.tensor.location === 'cpu' || this.tensor.location === 'cpu-pinned' ? this.tensor.data : await this.tensor.getData();
    return normaliseData(this.tensor.type, data);
  }
  dispose(): void {
    this.tensor.dispose();
  }
}

/** float16 comes back as raw bits in a Uint16Array everywhere in the engine, even where a Float16Array is used. */
function normaliseData(type: string, data: unknown): TensorData {
  if (type === 'float16' && !(data instanceof Uint16Array)) {
    const view = data as ArrayBufferView;
    return new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2);
  }
  return data as TensorData;
}

function describeInfo(meta: InferenceSession.ValueMetadata): TensorInfo {
  return meta.isTensor ? { name: meta.name, type: meta.type, shape: meta.shape } : { name: meta.name, type: 'non-tensor' };
}

export function wrapOrtSession(ort: OrtApi, session: InferenceSession): ModelSession {
  const toOrt = (feed: SessionFeed): Tensor => {
    if (isHostTensor(feed)) return new ort.Tensor(feed.type, feed.data, feed.dims);
    if (feed instanceof OrtSessionTensor) return feed.tensor;
    throw new TypeError('a session feed must be a HostTensor or a tensor returned by an onnxruntime session');
  };
  return {
    inputs: session.inputMetadata.map(describeInfo),
    outputs: session.outputMetadata.map(describeInfo),
    async run(feeds) {
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) ortFeeds[name] = toOrt(feed);
      const results = await session.run(ortFeeds);
      const wrapped: Record<string, SessionTensor> = {};
      for (const [name, tensor] of Object.entries(results)) wrapped[name] = new OrtSessionTensor(tensor as Tensor);
      return wrapped;
    },
    release: () => session.release(),
  };
}
