// The service worker's notices in the header: "a new version is waiting" (reload now or later) and, once, "the app
// works offline now". Reads src/pwa/registerServiceWorker.ts; renders nothing until the worker reports something.
import { useSyncExternalStore } from 'react';
import { dismiss, serviceWorkerState, update } from '../pwa/registerServiceWorker';

export function UpdatePrompt() {
  const { needRefresh, offlineReady } = useSyncExternalStore(serviceWorkerState.subscribe, serviceWorkerState.get);
  // The live region stays mounted so screen readers announce notices put into it. Only the update banner has the
  // status role: the offline note is incidental and the backend badge is the header's main status.
  return (
    <div className="pwa-prompt" aria-live="polite">
      {needRefresh ? (
        <div className="pwa-banner" role="status">
          <span>A new version of SD Studio is available.</span>
          <button type="button" className="pwa-primary" onClick={() => void update()}>
            Reload to update
          </button>
          <button type="button" onClick={() => dismiss('needRefresh')}>
            Later
          </button>
        </div>
      ) : (
        offlineReady && (
          <div className="pwa-banner">
            <span>SD Studio works offline now.</span>
            <button type="button" aria-label="Dismiss the offline notice" onClick={() => dismiss('offlineReady')}>
              Dismiss
            </button>
          </div>
        )
      )}
    </div>
  );
}
