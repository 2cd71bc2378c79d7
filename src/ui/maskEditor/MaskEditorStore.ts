// The mask editor's toolbar state (serialisable; no pixels) and the subscribe/getState pair React reads it with
// through useSyncExternalStore: a new state object exactly when something in it changes.

export type MaskTool = 'brush' | 'eraser' | 'pan';

/** Everything the toolbar shows. */
export interface MaskEditorState {
  tool: MaskTool;
  /** Brush diameter in image pixels. */
  brushSize: number;
  /** 0 (soft) to 1 (hard). */
  hardness: number;
  /** Overlay opacity, 0 to 1. */
  overlayOpacity: number;
  overlayVisible: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** True when the mask repaints nothing (see MaskDocument.isEmpty); true before an image is open. */
  isEmpty: boolean;
  /** Screen pixels per image pixel. */
  zoom: number;
  imageSize: { width: number; height: number } | null;
  /** Goes up by one at every committed change to the mask: stroke, undo, redo, clear, invert, load, new image. */
  maskRevision: number;
}

/** The settings a caller may choose up front. */
export type MaskEditorSettings = Pick<
  MaskEditorState,
  'tool' | 'brushSize' | 'hardness' | 'overlayOpacity' | 'overlayVisible'
>;

export const BRUSH_SIZE_LIMITS = { min: 1, max: 500 } as const;

const INITIAL_STATE: MaskEditorState = {
  tool: 'brush',
  brushSize: 40,
  hardness: 1,
  overlayOpacity: 0.5,
  overlayVisible: true,
  canUndo: false,
  canRedo: false,
  isEmpty: true,
  zoom: 1,
  imageSize: null,
  maskRevision: 0,
};

export class MaskEditorStore {
  private state = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): MaskEditorState => this.state;

  /** Publishes a new state when `patch` changes any field (compared with ===); otherwise keeps the same object. */
  update(patch: Partial<MaskEditorState>): void {
    const keys = Object.keys(patch) as (keyof MaskEditorState)[];
    if (!keys.some((key) => patch[key] !== this.state[key])) return;
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
