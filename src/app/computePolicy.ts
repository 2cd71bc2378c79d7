// Where a job runs. "Compute on" Auto runs locally when the selected model is stored and this device can run it,
// and otherwise asks once before sending jobs to the configured remote API; WebGPU and WASM always run locally;
// Remote always runs remotely.
import type { ComputeOn } from '../state/remoteSlice';

export interface ComputeSituation {
  computeOn: ComputeOn;
  /** Why the local engine can't run the selected model now (not stored, won't run here, failed to load); null when it can. */
  localProblem: string | null;
  /** A remote API is configured (a base URL at least). */
  remoteConfigured: boolean;
  /** The user already agreed this session to send jobs remotely. */
  remoteConsent: boolean;
}

export type ComputeDecision =
  | { run: 'local' }
  | { run: 'remote' }
  /** Ask the user once: the device can't run it, a remote API could. */
  | { run: 'ask'; reason: string }
  | { run: 'nowhere'; reason: string };

export function decideCompute(situation: ComputeSituation): ComputeDecision {
  const { computeOn, localProblem, remoteConfigured, remoteConsent } = situation;
  if (computeOn === 'remote') return remoteConfigured ? { run: 'remote' } : { run: 'nowhere', reason: 'Compute on is Remote, but no remote API is set up: fill in Remote API and Base URL.' };
  if (computeOn !== 'auto' || localProblem === null) return { run: 'local' };
  if (!remoteConfigured) return { run: 'nowhere', reason: `${localProblem} Set up a remote API to run it elsewhere.` };
  return remoteConsent ? { run: 'remote' } : { run: 'ask', reason: localProblem };
}

/** Local failures of the device kind: the job could run remotely instead. */
export const DEVICE_FAILURES = new Set(['device_lost', 'out_of_memory', 'no_adapter', 'fp16_unsupported', 'worker_crashed']);
