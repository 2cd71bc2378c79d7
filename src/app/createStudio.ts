// Builds the studio at start-up: the store, the local generator, the weight store and the Models panel's
// controller (which copies the demo model into the store on first use and loads the selected model), the history,
// and the controller that ties them; shows the backend as soon as a model is loaded.
import { createStudioGenerator } from '../generators/generatorFactory';
import { HistoryStore } from '../history/historyStore';
import { DEMO_MODEL_ID } from '../models/catalog';
import { requestPersistentStorage } from '../models/storageSpace';
import { WeightStore } from '../models/weightStore';
import { useStudioStore } from '../state/store';
import type { ModelRef } from '../predictions/backends';
import { ModelsController } from './ModelsController';
import { StudioController } from './StudioController';

export interface Studio {
  controller: StudioController;
  models: ModelsController;
}

export function createStudio(): Studio {
  const store = useStudioStore;
  const generator = createStudioGenerator({ kind: 'local', model: { id: DEMO_MODEL_ID }, backend: store.getState().backendPreference });
  generator.onBackendChange((backend) => store.getState().setBackend(backend));

  let loaded: ModelRef | undefined;
  const activate = async (model: ModelRef) => {
    loaded = model;
    store.getState().setSchemas(generator.modeSchemas(model));
    try {
      await generator.prepare(model, store.getState().backendPreference);
    } catch (error) {
      store.getState().setBackend(null, error instanceof Error ? error.message : String(error));
      // The caller repairs damaged weights; other failures stay in the badge.
      if (String((error as { code?: unknown }).code).startsWith('weights_')) throw error;
    }
  };
  const models = new ModelsController({ store, weights: new WeightStore(), activate });
  const controller = new StudioController(store, generator, new HistoryStore(), () => loaded ?? models.modelRef(), (error) => {
    if (error.code === 'weights_damaged') void models.repair(store.getState().selectedModelId);
  });

  store.subscribe((state, previous) => {
    if (state.backendPreference !== previous.backendPreference && loaded) void activate(loaded).catch(() => undefined);
  });
  void models.init().catch((error: unknown) => store.getState().setBackend(null, `The models could not be read: ${(error as Error).message}`));
  void controller.loadHistory();
  // Ask the browser not to evict stored models and the history under storage pressure (it may say no; that's fine).
  void requestPersistentStorage().then(() => models.refreshStorage());
  return { controller, models };
}
