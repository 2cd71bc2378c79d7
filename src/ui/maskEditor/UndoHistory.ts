// The mask's undo and redo stacks. Each step keeps only the rectangle it changed, and the stacks drop their
// oldest steps to stay within a step count and a byte budget.
import type { Rect } from './DirtyRegion';

/**
 * One step: `pixels` holds the coverage of `rect` on the other side of the step (before it while on the undo
 * stack, after it while on the redo stack). Undo and redo are the same swap, so a step costs one copy of its
 * rectangle, not two.
 */
export interface PixelPatch {
  rect: Rect;
  pixels: Uint8Array;
}

export interface UndoLimits {
  /** Most undo steps kept. */
  maxSteps: number;
  /** Most bytes of patch pixels kept over both stacks; the latest step is kept even if it alone is larger. */
  maxBytes: number;
}

export const DEFAULT_UNDO_LIMITS: UndoLimits = { maxSteps: 50, maxBytes: 64 * 1024 * 1024 };

export class UndoHistory {
  private readonly limits: UndoLimits;
  private readonly undoStack: PixelPatch[] = [];
  private redoStack: PixelPatch[] = [];
  private bytes = 0;

  constructor(limits: Partial<UndoLimits> = {}) {
    this.limits = { ...DEFAULT_UNDO_LIMITS, ...limits };
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoSteps(): number {
    return this.undoStack.length;
  }

  /** Bytes of pixels held by both stacks. */
  get memoryBytes(): number {
    return this.bytes;
  }

  /** Records a new step; the redo stack is dropped, as in every editor. */
  record(patch: PixelPatch): void {
    for (const dropped of this.redoStack) this.bytes -= dropped.pixels.byteLength;
    this.redoStack = [];
    this.undoStack.push(patch);
    this.bytes += patch.pixels.byteLength;
    while (
      this.undoStack.length > this.limits.maxSteps ||
      (this.bytes > this.limits.maxBytes && this.undoStack.length > 1)
    ) {
      this.bytes -= this.undoStack.shift()!.pixels.byteLength;
    }
  }

  /** Pops the latest step, lets `swap` exchange its pixels with the document's, and keeps it for redo. */
  undo(swap: (patch: PixelPatch) => void): boolean {
    return move(this.undoStack, this.redoStack, swap);
  }

  /** The inverse of `undo`. */
  redo(swap: (patch: PixelPatch) => void): boolean {
    return move(this.redoStack, this.undoStack, swap);
  }
}

function move(from: PixelPatch[], to: PixelPatch[], swap: (patch: PixelPatch) => void): boolean {
  const patch = from.pop();
  if (!patch) return false;
  swap(patch);
  to.push(patch);
  return true;
}
