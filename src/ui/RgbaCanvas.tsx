// Shows an RgbaImage (a preview or a decoded input) on a canvas, without encoding it to a file first.
import { useEffect, useRef } from 'react';
import type { RgbaImage } from '../predictions/rgbaImage';

interface RgbaCanvasProps {
  image: RgbaImage | undefined;
  label: string;
  className?: string;
  /** Bump to redraw when the same image object was updated in place. */
  version?: number;
}

export function RgbaCanvas({ image, label, className, version }: RgbaCanvasProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (!element || !image) return;
    element.width = image.width;
    element.height = image.height;
    element.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  }, [image, version]);
  return <canvas ref={canvas} role="img" aria-label={label} className={className} />;
}
