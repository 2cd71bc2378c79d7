// The engine worker's entry: an EngineHost on the web model loader, wired to this worker's messages.
import { EngineHost } from './EngineHost';
import { webModelLoader } from './ortWeb';
import type { WorkerEvent, WorkerRequest } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

// In a production build onnxruntime-web starts its WASM threads from this same bundled file, under names starting
// with 'em-pthread'; taking over their onmessage would swallow the thread protocol and hang inference.
if (!self.name?.startsWith('em-pthread')) {
  const host = new EngineHost(webModelLoader, (event: WorkerEvent, transfer) => self.postMessage(event, transfer));
  self.onmessage = (message: MessageEvent<WorkerRequest>) => void host.handle(message.data);
  // Held for the worker's whole life: a browser that ends the worker silently (memory pressure, self.close())
  // releases it, and the app, waiting for the same lock, learns at once that the worker is gone.
  void navigator.locks
    ?.request(self.name, () => {
      self.postMessage({ type: 'alive' } satisfies WorkerEvent);
      return new Promise<never>(() => undefined);
    })
    .catch(() => undefined);
}
