// Rectangles in image pixels and the growing bounding box of pixels touched since it was last taken: the
// document keeps one for the edit in progress (what undo must store) and one for what the overlay must redraw.

/** An axis-aligned block of pixels: columns x..x+width-1, rows y..y+height-1. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class DirtyRegion {
  private x0 = Infinity;
  private y0 = Infinity;
  private x1 = -Infinity;
  private y1 = -Infinity;

  get isEmpty(): boolean {
    return this.x1 <= this.x0 || this.y1 <= this.y0;
  }

  /** Adds the half-open block [x0, x1) x [y0, y1); callers clip to the image first. */
  add(x0: number, y0: number, x1: number, y1: number): void {
    if (x1 <= x0 || y1 <= y0) return;
    if (x0 < this.x0) this.x0 = x0;
    if (y0 < this.y0) this.y0 = y0;
    if (x1 > this.x1) this.x1 = x1;
    if (y1 > this.y1) this.y1 = y1;
  }

  /** The bounding box so far, without resetting it. */
  peek(): Rect | null {
    if (this.isEmpty) return null;
    return { x: this.x0, y: this.y0, width: this.x1 - this.x0, height: this.y1 - this.y0 };
  }

  /** The bounding box so far; the region starts empty again. */
  take(): Rect | null {
    const rect = this.peek();
    this.x0 = this.y0 = Infinity;
    this.x1 = this.y1 = -Infinity;
    return rect;
  }
}
