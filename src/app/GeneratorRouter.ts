// Picks the generator a job runs on: the local engine, or the remote API the user configured (built when first
// needed and rebuilt when its settings change). What can't run here (model not stored, device too weak, engine
// failed to start) is said in words, so Auto can ask before a job leaves the device.
import type { Generator } from '../generators/Generator';
import { selectedModel } from '../state/modelsSlice';
import { REMOTE_API_LABELS, type RemoteSettings } from '../state/remoteSlice';
import type { StudioState, StudioStore } from '../state/store';
import { decideCompute, type ComputeDecision } from './computePolicy';

export type RemoteFactory = (settings: RemoteSettings & { token?: string }) => Generator;

export type Route = { run: 'local' | 'remote'; generator: Generator } | Extract<ComputeDecision, { run: 'ask' | 'nowhere' }>;

/** Why the local engine can't run the selected model now, or null when it can. */
export function localProblem(state: StudioState): string | null {
  const model = selectedModel(state);
  if (!model) return 'No model is selected.';
  if (model.status !== 'ready') return `${model.name} is not downloaded on this device.`;
  if (model.advice?.verdict === 'no') return `${model.name} won't run on this device: ${model.advice.reasons.join('; ')}.`;
  if (state.backendError) return `The local engine can't run it: ${state.backendError}`;
  return null;
}

export class GeneratorRouter {
  private remote?: { key: string; generator: Generator };

  constructor(
    private readonly store: StudioStore,
    readonly local: Generator,
    private readonly createRemote: RemoteFactory,
  ) {}

  /** Where the next job runs, from "Compute on", the device and the user's earlier answer. */
  route(): Route {
    const state = this.store.getState();
    const decision = decideCompute({
      computeOn: state.backendPreference,
      localProblem: localProblem(state),
      remoteConfigured: state.remote.baseUrl.trim() !== '',
      remoteConsent: state.remoteConsent,
    });
    if (decision.run === 'local') return { run: 'local', generator: this.local };
    if (decision.run === 'remote') {
      try {
        return { run: 'remote', generator: this.remoteGenerator() };
      } catch (error) {
        // A base URL that can't work (not http(s), an A1111 token without a colon): say so instead of sending.
        return { run: 'nowhere', reason: `The remote API settings can't be used: ${(error as Error).message}` };
      }
    }
    return decision;
  }

  /**
   * The configured remote API's generator, rebuilt when the API, the base URL or the token changed. Throws when the
   * settings can't work (the remote client says why).
   */
  remoteGenerator(): Generator {
    const { remote, remoteToken } = this.store.getState();
    const key = JSON.stringify([remote.api, remote.baseUrl.trim(), remoteToken]);
    // The old one is not disposed: a job may still run on it, and a remote client holds nothing once jobs end.
    if (this.remote?.key !== key) {
      this.remote = { key, generator: this.createRemote({ ...remote, baseUrl: remote.baseUrl.trim(), token: remoteToken || undefined }) };
    }
    return this.remote.generator;
  }

  remoteLabel(): string {
    return REMOTE_API_LABELS[this.store.getState().remote.api];
  }
}
