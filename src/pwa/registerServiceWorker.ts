// Registers the service worker (vite-plugin-pwa, prompt mode) and owns the small observable state the update
// prompt reads: a new version is waiting (needRefresh), the shell is cached for offline use (offlineReady).
/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register';

export interface ServiceWorkerState {
  needRefresh: boolean;
  offlineReady: boolean;
}

let state: ServiceWorkerState = { needRefresh: false, offlineReady: false };
const listeners = new Set<() => void>();
let updateServiceWorker: ((reloadPage?: boolean) => Promise<void>) | undefined;

function setState(patch: Partial<ServiceWorkerState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

/** Registers once; production builds only (the worker is not built in dev). */
export function registerServiceWorker(): void {
  if (updateServiceWorker || !('serviceWorker' in navigator)) return;
  updateServiceWorker = registerSW({
    onNeedRefresh: () => setState({ needRefresh: true }),
    onOfflineReady: () => setState({ offlineReady: true }),
    // Without a worker the app still runs online; nothing to tell the user beyond the console.
    onRegisterError: (error) => console.error('Service worker registration failed:', error),
  });
}

/** For useSyncExternalStore: the current state (a new object on each change) and change notifications. */
export const serviceWorkerState = {
  get: (): ServiceWorkerState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/**
 * Lets the waiting worker take over and reloads the page once it controls it. Caches and IndexedDB (models,
 * history) are untouched: Workbox only drops precache entries the new version no longer lists.
 */
export async function update(): Promise<void> {
  if (!updateServiceWorker) return;
  await updateServiceWorker(true);
  // Chromium activates the new worker only once the old one has finished the requests it is serving; a request
  // that lingers would leave the button doing nothing. Reloading ends the page's requests, and the new worker,
  // told to skip waiting, then takes over: the next page load is the new version.
  setTimeout(() => globalThis.location.reload(), RELOAD_FALLBACK_MS);
}

/** How long "Reload to update" waits for the new worker to take control before it reloads anyway. */
const RELOAD_FALLBACK_MS = 5_000;

/** Hides a notice until the worker reports it again. */
export function dismiss(notice: keyof ServiceWorkerState): void {
  setState({ [notice]: false });
}
