// Builds the studio at start-up: the store, the local generator on the built-in demo model, the history store,
// and the controller that ties them; shows the backend as soon as the model is loaded.
import { LocalGenerator, LocalEngineError } from '../generators/LocalGenerator';
import { HistoryStore } from '../history/historyStore';
import { useStudioStore } from '../state/store';
import type { BackendPreference, ModelRef } from '../worker/protocol';
import { StudioController } from './StudioController';

/** The built-in demo model, generated into public/models/ by `npm run models` and shipped with the app. */
export const DEMO_MODEL: ModelRef = { id: 'tiny-sd', baseUrl: `${import.meta.env.BASE_URL}models/tiny-sd/` };

export function createStudio(): StudioController {
  const store = useStudioStore;
  const generator = new LocalGenerator({ model: DEMO_MODEL, backend: store.getState().backendPreference });
  const controller = new StudioController(store, generator, new HistoryStore(), DEMO_MODEL);

  generator.onBackendChange((backend) => store.getState().setBackend(backend));
  const load = (preference: BackendPreference) =>
    generator.preload(DEMO_MODEL, preference).catch((error: unknown) => {
      const message = error instanceof LocalEngineError ? error.message : String(error);
      store.getState().setBackend(null, message);
    });
  void load(store.getState().backendPreference);
  store.subscribe((state, previous) => {
    if (state.backendPreference !== previous.backendPreference) void load(state.backendPreference);
  });
  void controller.loadHistory();
  // Ask the browser not to evict the history and model data under storage pressure (it may say no; that's fine).
  void navigator.storage?.persist?.().catch(() => false);
  return controller;
}
