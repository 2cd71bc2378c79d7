// What the Models panel shows: every catalog entry and added model with its status (stored, downloading with its
// progress, paused, failed and why), the device advice, storage usage, and which model runs. Serialisable only;
// the downloads themselves live in app/ModelsController.
import type { StateCreator } from 'zustand';
import type { CatalogEntry } from '../models/catalog';
import type { DeviceAdvice } from '../models/deviceAdvice';
import type { DownloadProgress } from '../models/downloadModel';
import type { ModelDtype } from '../models/modelManifest';
import type { StorageEstimate } from '../models/storageSpace';
import type { GenerationMode } from '../predictions/PredictionInput';
import type { ModelProfile } from '../predictions/modelSchemas';
import type { StudioState } from './store';

export type ModelStatus = 'absent' | 'checking' | 'downloading' | 'paused' | 'importing' | 'repairing' | 'ready' | 'failed';

export interface ModelView {
  id: string;
  name: string;
  description: string;
  kind: CatalogEntry['kind'];
  modes: GenerationMode[];
  origin: string;
  /** Exact once the file list is known, the catalog's estimate before. */
  bytes: number;
  dtype?: ModelDtype;
  needsShaderF16: boolean;
  profile?: ModelProfile;
  licence?: CatalogEntry['licence'];
  sources: string[];
  unconfirmed?: string;
  demo?: boolean;
  recommended?: boolean;
  /** Added by the user (URL, Hub repo or folder) rather than from the catalog. */
  custom?: boolean;
  status: ModelStatus;
  progress?: DownloadProgress;
  /** Why it failed or what stands in the way, in words. */
  error?: string;
  notes?: string[];
  advice?: DeviceAdvice;
}

export interface ModelsSlice {
  models: ModelView[];
  /** The model that runs (persisted). */
  selectedModelId: string;
  storage: StorageEstimate;
  /** The answer to the last "Add model" (a problem list, or what was added). */
  addModelMessage: { kind: 'error' | 'info'; text: string } | null;
  addModelBusy: boolean;
  setModels(models: ModelView[]): void;
  patchModel(id: string, patch: Partial<ModelView>): void;
  upsertModel(model: ModelView): void;
  removeModel(id: string): void;
  selectModel(id: string): void;
  setStorage(storage: StorageEstimate): void;
  setAddModelState(busy: boolean, message: ModelsSlice['addModelMessage']): void;
}

export const createModelsSlice: StateCreator<StudioState, [], [], ModelsSlice> = (set) => ({
  models: [],
  selectedModelId: 'tiny-sd',
  storage: {},
  addModelMessage: null,
  addModelBusy: false,
  setModels: (models) => set({ models }),
  patchModel: (id, patch) => set((state) => ({ models: state.models.map((model) => (model.id === id ? { ...model, ...patch } : model)) })),
  upsertModel: (model) =>
    set((state) => ({
      models: state.models.some((m) => m.id === model.id) ? state.models.map((m) => (m.id === model.id ? model : m)) : [...state.models, model],
    })),
  removeModel: (id) => set((state) => ({ models: state.models.filter((model) => model.id !== id) })),
  selectModel: (selectedModelId) => set({ selectedModelId }),
  setStorage: (storage) => set({ storage }),
  setAddModelState: (addModelBusy, addModelMessage) => set({ addModelBusy, addModelMessage }),
});

/** The selected model's view, when it is known. */
export const selectedModel = (state: Pick<ModelsSlice, 'models' | 'selectedModelId'>) => state.models.find((m) => m.id === state.selectedModelId);
