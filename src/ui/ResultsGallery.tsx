// Results and history: every prediction (newest first) with its images, parameters, status and actions —
// download PNG (parameters embedded), reuse parameters, send to image-to-image or inpainting, delete.
import { DEVICE_FAILURES } from '../app/computePolicy';
import { useEffect, useState } from 'react';
import type { StudioController } from '../app/StudioController';
import type { HistoryRecord } from '../history/historyStore';
import type { GalleryEntry } from '../state/historySlice';
import { MODE_LABELS } from './ModeTabs';
import { ResultViewer, type ViewerItem } from './ResultViewer';

/** An object URL for one output blob, revoked when the card (or the viewer) goes away. */
export function useOutputUrl(controller: StudioController, id: string, index: number): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let cancelled = false;
    void controller.outputBlob(id, index).then((blob) => {
      if (cancelled || !blob) return;
      objectUrl = URL.createObjectURL(blob);
      setUrl(objectUrl);
    });
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [controller, id, index]);
  return url;
}

const STATUS_LABELS: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
  aborted: 'Aborted',
  processing: 'Processing',
  starting: 'Starting',
};

function OutputImage({ controller, record, index, onOpen }: { controller: StudioController; record: HistoryRecord; index: number; onOpen(): void }) {
  const url = useOutputUrl(controller, record.id, index);
  const { width, height } = record.outputs[index];
  const seed = record.prediction.input.seed;
  const label = `Output ${index + 1} of ${record.outputs.length}${seed !== undefined ? `, seed ${seed}` : ''}`;
  return (
    <figure className="output">
      {/* A click on the picture opens the viewer; keyboard users have the View button below. */}
      {url ? <img src={url} alt={label} width={width} height={height} className="output-open" onClick={onOpen} /> : <div className="output-placeholder" style={{ aspectRatio: `${width} / ${height}` }} />}
      <figcaption>
        <button type="button" onClick={onOpen} aria-label={`View output ${index + 1} full size`}>
          View
        </button>
        <a href={url} download={`sd-${record.id.slice(0, 8)}-${index + 1}.png`} aria-disabled={!url} className="button-link">
          Download PNG
        </a>
        <button type="button" onClick={() => void controller.sendTo('image-to-image', record, index)}>
          Send to image-to-image
        </button>
        <button type="button" onClick={() => void controller.sendTo('inpainting', record, index)}>
          Send to inpainting
        </button>
      </figcaption>
    </figure>
  );
}

function ResultCard({ controller, entry, onOpen }: { controller: StudioController; entry: GalleryEntry; onOpen(index: number): void }) {
  const { record, unsaved } = entry;
  const { prediction } = record;
  const input = prediction.input;
  const status = prediction.status;
  const seconds = prediction.metrics.predict_time;
  const first = record.outputs[0];
  const size = first ? `${first.width}×${first.height}` : input.width && input.height ? `${input.width}×${input.height}` : undefined;
  return (
    <article className={`result-card result-${status}`} aria-label={`${STATUS_LABELS[status] ?? status} prediction: ${input.prompt || '(no prompt)'}`}>
      <header className="result-header">
        <span className={`status-label status-${status}`}>{STATUS_LABELS[status] ?? status}</span>
        <span className="result-mode">{MODE_LABELS[record.mode]}</span>
        {unsaved && <span className="status-label status-unsaved">Not saved</span>}
      </header>
      <p className="result-prompt">{input.prompt || <em>(no prompt)</em>}</p>
      {prediction.error && <p className="result-error">{prediction.error}</p>}
      <dl className="result-meta">
        {input.seed !== undefined && (
          <>
            <dt>Seed</dt>
            <dd>{input.seed}</dd>
          </>
        )}
        {input.num_inference_steps !== undefined && (
          <>
            <dt>Steps</dt>
            <dd>{input.num_inference_steps}</dd>
          </>
        )}
        {size && (
          <>
            <dt>Size</dt>
            <dd>{size}</dd>
          </>
        )}
        {input.scheduler && (
          <>
            <dt>Scheduler</dt>
            <dd>{input.scheduler}</dd>
          </>
        )}
        {input.guidance_scale !== undefined && (
          <>
            <dt>Guidance</dt>
            <dd>{input.guidance_scale}</dd>
          </>
        )}
        {record.mode === 'image-to-image' && input.prompt_strength !== undefined && (
          <>
            <dt>Strength</dt>
            <dd>{input.prompt_strength}</dd>
          </>
        )}
        <dt>Model</dt>
        <dd>{prediction.model}</dd>
        <dt>Backend</dt>
        <dd>{prediction.backend}</dd>
        {seconds !== undefined && (
          <>
            <dt>Time</dt>
            <dd>{seconds.toFixed(1)} s</dd>
          </>
        )}
      </dl>
      {record.outputs.length > 0 && (
        <div className="result-outputs">
          {record.outputs.map((_, index) => (
            <OutputImage key={index} controller={controller} record={record} index={index} onOpen={() => onOpen(index)} />
          ))}
        </div>
      )}
      <div className="result-actions">
        {status === 'failed' && record.errorCode && DEVICE_FAILURES.has(record.errorCode) && (
          <button type="button" onClick={() => void controller.rerunRemotely(record)}>
            Re-run remotely
          </button>
        )}
        <button type="button" onClick={() => controller.reuseParameters(record)}>
          Reuse parameters
        </button>
        <button type="button" onClick={() => void controller.deletePrediction(record.id)}>
          Delete
        </button>
      </div>
    </article>
  );
}

interface ResultsGalleryProps {
  controller: StudioController;
  entries: GalleryEntry[];
  loaded: boolean;
  storageError: string | null;
}

export function ResultsGallery({ controller, entries, loaded, storageError }: ResultsGalleryProps) {
  const [viewing, setViewing] = useState<{ id: string; index: number } | null>(null);
  // Every output of the gallery in order: the viewer's arrows walk through all of them.
  const items: ViewerItem[] = entries.flatMap(({ record }) => record.outputs.map((_, index) => ({ record, index })));
  const start = viewing ? items.findIndex((item) => item.record.id === viewing.id && item.index === viewing.index) : -1;
  return (
    <section className="results" aria-label="Results">
      <h2>Results</h2>
      {storageError && (
        <p className="storage-error" role="alert">
          {storageError}
        </p>
      )}
      {loaded && entries.length === 0 && <p className="empty-results">Generated images appear here and stay after a reload.</p>}
      <div className="result-list">
        {entries.map((entry) => (
          <ResultCard key={entry.record.id} controller={controller} entry={entry} onOpen={(index) => setViewing({ id: entry.record.id, index })} />
        ))}
      </div>
      {viewing && start >= 0 && <ResultViewer controller={controller} items={items} start={start} onClose={() => setViewing(null)} />}
    </section>
  );
}
