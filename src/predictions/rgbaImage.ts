// How decoded images travel between the app and any backend: RGBA bytes in the DOM's ImageData layout. The engine
// computes on them, remote clients encode them to PNG data URLs, the history stores them as PNGs.

/** Decoded pixels: RGBA bytes, row-major, exactly the layout of the DOM's ImageData. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
