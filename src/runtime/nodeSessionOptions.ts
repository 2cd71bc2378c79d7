// How Node creates onnxruntime sessions (tests, scripts, the server): onnxruntime-node's default thread pool spins
// while waiting for work, which on a 2-core machine made everything ~1.5× slower and burned twice the CPU
// (shared/PLATFORM.md); spinning off keeps the parallelism without the busy-waiting.
import type { InferenceSession } from 'onnxruntime-web';

export const NODE_SESSION_OPTIONS: InferenceSession.SessionOptions = {
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};
