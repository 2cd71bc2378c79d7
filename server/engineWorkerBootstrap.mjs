// The engine worker's entry file: a worker thread does not inherit tsx's TypeScript loader from the main thread
// (nor does it get vitest's transform), so this plain module registers tsx in the worker, then loads the worker.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
