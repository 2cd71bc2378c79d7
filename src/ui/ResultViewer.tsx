// The full-size viewer: a dialog named after the result's prompt, showing one output at its own size (scaled to
// fit the window); the arrow keys (or the buttons) move through every output in the gallery, Esc closes it.
import { useEffect, useRef, useState } from 'react';
import { useOutputUrl } from './ResultsGallery';
import type { StudioController } from '../app/StudioController';
import type { HistoryRecord } from '../history/historyStore';

export interface ViewerItem {
  record: HistoryRecord;
  index: number;
}

interface ResultViewerProps {
  controller: StudioController;
  items: ViewerItem[];
  /** Position in `items` of the output shown first. */
  start: number;
  onClose(): void;
}

export function ResultViewer({ controller, items, start, onClose }: ResultViewerProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [position, setPosition] = useState(start);
  const item = items[Math.min(position, items.length - 1)];
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const url = useOutputUrl(controller, item?.record.id ?? '', item?.index ?? 0);

  if (!item) return null;
  const move = (delta: number) => setPosition((p) => (p + delta + items.length) % items.length);
  const { prediction } = item.record;
  const prompt = prediction.input.prompt || '(no prompt)';
  const { width, height } = item.record.outputs[item.index];
  return (
    <dialog
      ref={dialog}
      className="result-viewer"
      aria-label={prompt}
      onClose={onClose}
      onKeyDown={(event) => {
        if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
          event.preventDefault();
          move(event.key === 'ArrowRight' ? 1 : -1);
        }
      }}
    >
      <figure>
        {url ? <img src={url} alt={`${prompt}, output ${item.index + 1}`} width={width} height={height} /> : <div className="output-placeholder" style={{ aspectRatio: `${width} / ${height}` }} />}
        <figcaption>
          {prompt} · {width}×{height}
          {prediction.input.seed !== undefined ? ` · seed ${prediction.input.seed}` : ''} · {position + 1} of {items.length}
        </figcaption>
      </figure>
      <div className="viewer-actions">
        <button type="button" onClick={() => move(-1)} aria-label="Previous image" disabled={items.length < 2}>
          ←
        </button>
        <button type="button" onClick={() => move(1)} aria-label="Next image" disabled={items.length < 2}>
          →
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
