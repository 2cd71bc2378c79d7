// The one bound zustand store, made of small slices of serialisable UI state. Settings persist in localStorage;
// jobs, inputs and the gallery are rebuilt at start-up (the gallery from IndexedDB).
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { createHistorySlice, type HistorySlice } from './historySlice';
import { createInputsSlice, type InputsSlice } from './inputsSlice';
import { createJobsSlice, type JobsSlice } from './jobsSlice';
import { createModelsSlice, type ModelsSlice } from './modelsSlice';
import { createRemoteSlice, type RemoteSlice } from './remoteSlice';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';

export type StudioState = SettingsSlice & JobsSlice & InputsSlice & HistorySlice & ModelsSlice & RemoteSlice;

export const SETTINGS_STORAGE_KEY = 'sd-studio-settings';

function sharedPrompts(saved: Partial<StudioState>): { prompt?: string; negative_prompt?: string } {
  const draft = saved.drafts?.[saved.activeMode ?? 'text-to-image'];
  return draft ? { prompt: draft.prompt ?? '', negative_prompt: draft.negative_prompt ?? '' } : {};
}

export const useStudioStore = create<StudioState>()(
  persist(
    (...args) => ({
      ...createSettingsSlice(...args),
      ...createJobsSlice(...args),
      ...createInputsSlice(...args),
      ...createHistorySlice(...args),
      ...createModelsSlice(...args),
      ...createRemoteSlice(...args),
    }),
    {
      name: SETTINGS_STORAGE_KEY,
      version: 1,
      partialize: (state) => ({
        activeMode: state.activeMode,
        drafts: state.drafts,
        seed: state.seed,
        noiseDevice: state.noiseDevice,
        maskBlur: state.maskBlur,
        promptWeighting: state.promptWeighting,
        karrasSigmas: state.karrasSigmas,
        decoder: state.decoder,
        backendPreference: state.backendPreference,
        selectedModelId: state.selectedModelId,
        remote: state.remote,
      }),
      // Drafts saved by an older version may lack fields added since: keep the defaults for those.
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<StudioState>;
        return {
          ...current,
          ...saved,
          // One prompt for all modes: an older save kept one per mode; the active mode's wins.
          drafts: {
            'text-to-image': { ...current.drafts['text-to-image'], ...saved.drafts?.['text-to-image'], ...sharedPrompts(saved) },
            'image-to-image': { ...current.drafts['image-to-image'], ...saved.drafts?.['image-to-image'], ...sharedPrompts(saved) },
            inpainting: { ...current.drafts.inpainting, ...saved.drafts?.inpainting, ...sharedPrompts(saved) },
          },
        };
      },
    },
  ),
);

export type StudioStore = typeof useStudioStore;
