// Decoded input images live here, outside the store (pixels are not UI state); the store keeps their ids and sizes.
import type { RgbaImage } from '../predictions/rgbaImage';

const images = new Map<string, RgbaImage>();
let counter = 0;

export function registerInputImage(image: RgbaImage): string {
  const id = `input-${Date.now().toString(36)}-${counter++}`;
  images.set(id, image);
  return id;
}

export function inputImage(id: string | undefined | null): RgbaImage | undefined {
  return id ? images.get(id) : undefined;
}

export function forgetInputImage(id: string): void {
  images.delete(id);
}
