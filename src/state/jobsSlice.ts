// What the UI shows about jobs: queued and running jobs with their progress, and the backend in use. Preview
// pixels live outside the store (previewImages.ts); the store only counts preview updates.
import type { StateCreator } from 'zustand';
import type { GenerationMode } from '../predictions/PredictionInput';
import type { BackendInfo, SerializedError } from '../predictions/backends';
import type { StudioState } from './store';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface JobView {
  id: string;
  mode: GenerationMode;
  /** What was asked for, so a queued job says which one it is. */
  prompt?: string;
  status: JobStatus;
  /** 1-based place in the queue while queued. */
  position?: number;
  phase?: string;
  step: number;
  totalSteps: number;
  stepsPerSecond?: number;
  /** Bumped on every preview so the preview canvas redraws. */
  previewVersion: number;
  error?: SerializedError;
  seed?: number;
  startedAt: number;
}

export interface JobsSlice {
  jobs: JobView[];
  backend: BackendInfo | null;
  backendError: string | null;
  /** The id of the model being loaded into the engine now (it can take many seconds for a real one), or null. */
  loadingModelId: string | null;
  addJob(job: JobView): void;
  updateJob(id: string, patch: Partial<JobView>): void;
  removeJob(id: string): void;
  setBackend(backend: BackendInfo | null, error?: string | null): void;
  setLoadingModel(id: string | null): void;
}

export const createJobsSlice: StateCreator<StudioState, [], [], JobsSlice> = (set) => ({
  jobs: [],
  backend: null,
  backendError: null,
  loadingModelId: null,
  addJob: (job) => set((state) => ({ jobs: [...state.jobs, job] })),
  updateJob: (id, patch) => set((state) => ({ jobs: state.jobs.map((job) => (job.id === id ? { ...job, ...patch } : job)) })),
  removeJob: (id) => set((state) => ({ jobs: state.jobs.filter((job) => job.id !== id) })),
  setBackend: (backend, error = null) => set({ backend, backendError: error }),
  setLoadingModel: (loadingModelId) => set({ loadingModelId }),
});
