// Where the image sits in the editor's viewport: a zoom (screen pixels per image pixel) and the viewport position
// of the image's top-left corner, with zoom to fit, zoom about a point and the screen -> image mapping.

export const MIN_ZOOM = 1 / 32;
export const MAX_ZOOM = 32;

/** Space left around the image when it is zoomed to fit, in screen pixels. */
const FIT_MARGIN = 8;

export class ViewTransform {
  zoom = 1;
  offsetX = 0;
  offsetY = 0;

  /** Largest zoom showing the whole image inside the viewport, centred. */
  fit(viewportWidth: number, viewportHeight: number, imageWidth: number, imageHeight: number): void {
    const availableWidth = Math.max(1, viewportWidth - 2 * FIT_MARGIN);
    const availableHeight = Math.max(1, viewportHeight - 2 * FIT_MARGIN);
    this.zoom = clampZoom(Math.min(availableWidth / imageWidth, availableHeight / imageHeight));
    this.offsetX = (viewportWidth - imageWidth * this.zoom) / 2;
    this.offsetY = (viewportHeight - imageHeight * this.zoom) / 2;
  }

  /** Multiplies the zoom by `factor` (clamped) keeping the image point under viewport point (x, y) in place. */
  zoomAbout(factor: number, x: number, y: number): void {
    const zoom = clampZoom(this.zoom * factor);
    const imageX = (x - this.offsetX) / this.zoom;
    const imageY = (y - this.offsetY) / this.zoom;
    this.zoom = zoom;
    this.offsetX = x - imageX * zoom;
    this.offsetY = y - imageY * zoom;
  }

  /** Image pixel coordinates of viewport point (x, y). */
  toImage(x: number, y: number): { x: number; y: number } {
    return { x: (x - this.offsetX) / this.zoom, y: (y - this.offsetY) / this.zoom };
  }
}

function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}
