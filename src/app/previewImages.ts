// The latest live preview of each running job, outside the store (pixels are not UI state).
import type { RgbaImage } from '../predictions/rgbaImage';

const previews = new Map<string, RgbaImage>();

export function setPreviewImage(jobId: string, image: RgbaImage): void {
  previews.set(jobId, image);
}

export function previewImage(jobId: string): RgbaImage | undefined {
  return previews.get(jobId);
}

export function clearPreviewImage(jobId: string): void {
  previews.delete(jobId);
}
