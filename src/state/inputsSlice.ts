// The input image of the image-to-image and inpainting tabs, as the UI describes it (name, sizes). The pixels
// themselves live in inputImages.ts, outside the store.
import type { StateCreator } from 'zustand';
import type { StudioState } from './store';

export type ImageMode = 'image-to-image' | 'inpainting';

export interface InputImageMeta {
  /** Key of the pixels in the input image registry. */
  id: string;
  name: string;
  width: number;
  height: number;
}

export interface InputsSlice {
  inputs: Record<ImageMode, InputImageMeta | null>;
  inputErrors: Record<ImageMode, string | null>;
  /** Inpainting ran without a painted mask: shown at the mask editor. */
  maskError: string | null;
  setInput(mode: ImageMode, meta: InputImageMeta | null): void;
  setInputError(mode: ImageMode, message: string | null): void;
  setMaskError(message: string | null): void;
}

export const createInputsSlice: StateCreator<StudioState, [], [], InputsSlice> = (set) => ({
  inputs: { 'image-to-image': null, inpainting: null },
  inputErrors: { 'image-to-image': null, inpainting: null },
  maskError: null,
  setInput: (mode, meta) =>
    set((state) => ({ inputs: { ...state.inputs, [mode]: meta }, inputErrors: { ...state.inputErrors, [mode]: null }, maskError: mode === 'inpainting' ? null : state.maskError })),
  setMaskError: (maskError) => set({ maskError }),
  setInputError: (mode, message) => set((state) => ({ inputErrors: { ...state.inputErrors, [mode]: message } })),
});
