// The hand tool: a state machine (idle -> dragging -> idle) that moves the view by the pointer's travel, so the
// image point grabbed stays under the pointer. Also serves space+drag and middle-button drags.
import type { ViewTransform } from './ViewTransform';

interface Drag {
  startX: number;
  startY: number;
  startOffsetX: number;
  startOffsetY: number;
}

export class PanTool {
  private drag: Drag | null = null;

  constructor(private readonly view: ViewTransform) {}

  get phase(): 'idle' | 'dragging' {
    return this.drag ? 'dragging' : 'idle';
  }

  /** Grabs the view at viewport point (x, y). */
  begin(x: number, y: number): void {
    this.drag = { startX: x, startY: y, startOffsetX: this.view.offsetX, startOffsetY: this.view.offsetY };
  }

  /** Moves the view so the grabbed point follows the pointer to (x, y); ignored when idle. */
  move(x: number, y: number): void {
    const drag = this.drag;
    if (!drag) return;
    this.view.offsetX = drag.startOffsetX + (x - drag.startX);
    this.view.offsetY = drag.startOffsetY + (y - drag.startY);
  }

  end(): void {
    this.drag = null;
  }
}
