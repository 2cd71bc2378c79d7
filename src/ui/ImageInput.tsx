// The input image of image-to-image and inpainting: a file picker, drag and drop, and paste (handled app-wide),
// with the size the image will be generated at, and a clear message for files that aren't images.
import { useRef } from 'react';
import type { InputImageMeta } from '../state/inputsSlice';
import { inputImage } from '../app/inputImageRegistry';
import { RgbaCanvas } from './RgbaCanvas';
import { useFileDrop } from './useFileDrop';

interface ImageInputProps {
  label: string;
  meta: InputImageMeta | null;
  error: string | null;
  /** How the image will be used, e.g. "Generated at 1024×768 (scaled to fit 1024 px)". */
  sizeNote?: string;
  showPreview?: boolean;
  onFile(file: File): void;
  onClear(): void;
}

export function ImageInput({ label, meta, error, sizeNote, showPreview = true, onFile, onClear }: ImageInputProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const { dragging, handlers } = useFileDrop(onFile);
  return (
    <section className="image-input" aria-label={label}>
      <div className={`drop-zone${dragging ? ' drop-zone-active' : ''}`} {...handlers} data-testid="image-drop-zone">
        {meta && showPreview ? (
          <RgbaCanvas image={inputImage(meta.id)} label={`${label}: ${meta.name}`} className="input-thumbnail" />
        ) : null}
        <p className="drop-hint">
          {meta ? `${meta.name} · ${meta.width}×${meta.height}` : 'Drop an image here, paste one (Ctrl+V), or'}
        </p>
        <div className="image-input-actions">
          <button type="button" onClick={() => fileInput.current?.click()}>
            {meta ? 'Replace image' : 'Choose image'}
          </button>
          {meta && (
            <button type="button" onClick={onClear}>
              Remove image
            </button>
          )}
        </div>
        <input
          ref={fileInput}
          type="file"
          accept="image/*"
          aria-label={label}
          className="visually-hidden"
          tabIndex={-1}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) onFile(file);
            event.target.value = '';
          }}
        />
      </div>
      {sizeNote && meta && <p className="size-note">{sizeNote}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
