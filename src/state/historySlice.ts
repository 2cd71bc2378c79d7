// Saved predictions as the gallery lists them (records only; image blobs stay in IndexedDB), plus results that
// could not be saved (kept for this session and marked as such) and the last storage problem.
import type { StateCreator } from 'zustand';
import type { HistoryRecord } from '../history/historyStore';
import type { StudioState } from './store';

export interface GalleryEntry {
  record: HistoryRecord;
  /** True when saving failed (e.g. quota): the images live only in memory until the page closes. */
  unsaved?: boolean;
}

export interface HistorySlice {
  gallery: GalleryEntry[];
  historyLoaded: boolean;
  storageError: string | null;
  setGallery(entries: GalleryEntry[]): void;
  addToGallery(entry: GalleryEntry): void;
  removeFromGallery(id: string): void;
  setStorageError(message: string | null): void;
}

export const createHistorySlice: StateCreator<StudioState, [], [], HistorySlice> = (set) => ({
  gallery: [],
  historyLoaded: false,
  storageError: null,
  setGallery: (gallery) => set({ gallery, historyLoaded: true }),
  addToGallery: (entry) => set((state) => ({ gallery: [entry, ...state.gallery.filter((e) => e.record.id !== entry.record.id)] })),
  removeFromGallery: (id) => set((state) => ({ gallery: state.gallery.filter((e) => e.record.id !== id) })),
  setStorageError: (storageError) => set({ storageError }),
});
