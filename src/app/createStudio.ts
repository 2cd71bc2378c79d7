// Builds the studio at start-up: the store, the generators (the local engine, and the remote API when the user
// configured one) behind one router, the weight store and the Models panel's controller (which copies the demo
// model into the store on first use and loads the selected model), the history, and the controller that ties them.
import { createStudioGenerator } from '../generators/generatorFactory';
import { HistoryStore } from '../history/historyStore';
import { DEMO_MODEL_ID } from '../models/catalog';
import { requestPersistentStorage } from '../models/storageSpace';
import { WeightStore } from '../models/weightStore';
import type { ModelRef } from '../predictions/backends';
import { localPreference } from '../state/remoteSlice';
import { useStudioStore } from '../state/store';
import { cacheEngineFiles } from '../pwa/cacheEngineFiles';
import { GeneratorRouter } from './GeneratorRouter';
import { ModelsController } from './ModelsController';
import { loadRemoteToken } from './remoteToken';
import { StudioController } from './StudioController';

export interface Studio {
  controller: StudioController;
  models: ModelsController;
}

export function createStudio(): Studio {
  const store = useStudioStore;
  store.getState().setRemoteToken(loadRemoteToken());
  const local = createStudioGenerator({ kind: 'local', model: { id: DEMO_MODEL_ID }, backend: localPreference(store.getState().backendPreference) });
  const router = new GeneratorRouter(store, local, (settings) => createStudioGenerator({ kind: 'remote', ...settings }));
  local.onBackendChange((backend) => {
    store.getState().setBackend(backend);
    void cacheEngineFiles(backend);
  });

  /** The form follows the generator jobs go to: the remote API's fields and limits when Compute on is Remote. */
  const showSchemas = () => {
    const { backendPreference } = store.getState();
    let schemas = local.modeSchemas(loaded ?? models.modelRef());
    try {
      if (backendPreference === 'remote') schemas = router.remoteGenerator().modeSchemas();
    } catch {
      // Settings that can't work yet (a half-typed URL): the form keeps the local limits; Generate says why.
    }
    store.getState().setSchemas(schemas);
  };

  let loaded: ModelRef | undefined;
  const activate = async (model: ModelRef) => {
    loaded = model;
    showSchemas();
    store.getState().setLoadingModel(model.id);
    try {
      await local.prepare(model, localPreference(store.getState().backendPreference));
    } catch (error) {
      // A load cut short by a worker that died (the job running beside it reports that) is not a device that
      // can't run the model: the next job starts a fresh worker, so nothing is marked unavailable.
      if ((error as { code?: unknown }).code === 'worker_crashed') return;
      store.getState().setBackend(null, error instanceof Error ? error.message : String(error));
      // The caller repairs damaged weights; other failures stay in the badge (and Auto may offer the remote API).
      if (String((error as { code?: unknown }).code).startsWith('weights_')) throw error;
    } finally {
      // Another model chosen meanwhile is still loading: its own load clears the notice.
      if (store.getState().loadingModelId === model.id) store.getState().setLoadingModel(null);
    }
  };
  const models = new ModelsController({ store, weights: new WeightStore(), activate });
  const controller = new StudioController(store, router, new HistoryStore(), () => loaded ?? models.modelRef(), (error) => {
    if (error.code === 'weights_damaged') void models.repair(store.getState().selectedModelId);
  });

  store.subscribe((state, previous) => {
    const localChanged = localPreference(state.backendPreference) !== localPreference(previous.backendPreference);
    if (localChanged && loaded) void activate(loaded).catch(() => undefined);
    else if (state.backendPreference !== previous.backendPreference || state.remote !== previous.remote) showSchemas();
  });
  void models.init().catch((error: unknown) => store.getState().setBackend(null, `The models could not be read: ${(error as Error).message}`));
  void controller.loadHistory();
  // Ask the browser not to evict stored models and the history under storage pressure (it may say no; that's fine).
  void requestPersistentStorage().then(() => models.refreshStorage());
  return { controller, models };
}
