// Where jobs go when they don't run on this device: the remote API, its base URL and the user's token. The API and
// URL persist with the settings; the token persists on its own key in this browser only (see app/remoteToken.ts)
// and is cleared by "Clear token".
import type { StateCreator } from 'zustand';
import type { BackendPreference } from '../predictions/backends';
import type { StudioState } from './store';

/** 'Compute on': a local backend (Auto, WebGPU, WASM) or the remote API. */
export type ComputeOn = BackendPreference | 'remote';

/** The local backend a Compute on setting asks for (Remote leaves the local engine on Auto). */
export const localPreference = (computeOn: ComputeOn): BackendPreference => (computeOn === 'remote' ? 'auto' : computeOn);

export type RemoteApi = 'replicate' | 'stablediffusionapi' | 'automatic1111';

export const REMOTE_API_LABELS: Record<RemoteApi, string> = {
  replicate: 'Replicate',
  stablediffusionapi: 'Stable Diffusion API (v3)',
  automatic1111: 'AUTOMATIC1111 / Forge',
};

export interface RemoteSettings {
  api: RemoteApi;
  /** Where requests go: Replicate through this app's proxy, a v3 host, a home A1111. */
  baseUrl: string;
}

export interface RemoteSlice {
  remote: RemoteSettings;
  /** In memory for the form; stored by app/remoteToken.ts, never with the other settings. */
  remoteToken: string;
  /** The user agreed, this session, to send jobs the device can't run to the remote API. */
  remoteConsent: boolean;
  setRemote(patch: Partial<RemoteSettings>): void;
  setRemoteToken(token: string): void;
  setRemoteConsent(consent: boolean): void;
}

/** What a fresh install points at for each API: Replicate through this server's proxy (browsers can't call it). */
export function defaultBaseUrl(api: RemoteApi, origin = globalThis.location?.origin ?? 'http://localhost:5173'): string {
  if (api === 'replicate') return `${origin}/proxy/api.replicate.com`;
  if (api === 'stablediffusionapi') return `${origin}/proxy/modelslab.com`;
  return 'http://127.0.0.1:7860';
}

export const createRemoteSlice: StateCreator<StudioState, [], [], RemoteSlice> = (set) => ({
  remote: { api: 'replicate', baseUrl: defaultBaseUrl('replicate') },
  remoteToken: '',
  remoteConsent: false,
  setRemote: (patch) => set((state) => ({ remote: { ...state.remote, ...patch } })),
  setRemoteToken: (remoteToken) => set({ remoteToken }),
  setRemoteConsent: (remoteConsent) => set({ remoteConsent }),
});
