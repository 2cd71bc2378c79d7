// One model in the Models panel: what it is, whether it will run here, its download with progress (bytes, speed,
// time left), Pause / Resume / Cancel download, Delete, and where every figure came from.
import { formatBytes } from '../../models/modelManifest';
import type { ModelView } from '../../state/modelsSlice';
import { useModels } from '../StudioContext';
import { MODE_LABELS } from '../ModeTabs';

const VERDICT_TEXT = { runs: 'Runs on this device', slow: 'Runs here, slowly', no: "Won't run here" } as const;

function timeLeft(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

function statusText(model: ModelView): string {
  switch (model.status) {
    case 'ready':
      return 'Stored';
    case 'checking':
      return 'Checking…';
    case 'downloading':
      return 'Downloading';
    case 'repairing':
      return 'Fetching damaged chunks again';
    case 'importing':
      return 'Importing';
    case 'paused':
      return 'Paused';
    case 'failed':
      return 'Failed';
    default:
      return 'Not downloaded';
  }
}

export function ModelEntry({ model, selected }: { model: ModelView; selected: boolean }) {
  const models = useModels();
  const headingId = `model-${model.id}-name`;
  const busy = model.status === 'downloading' || model.status === 'repairing' || model.status === 'checking' || model.status === 'importing';
  const progress = model.progress;
  const percent = progress && progress.total > 0 ? (100 * progress.received) / progress.total : 0;
  const hasBytes = model.status === 'paused' || (model.status === 'failed' && (progress?.received ?? 0) > 0);
  return (
    <li className={`model-entry model-${model.status}`} aria-labelledby={headingId}>
      <div className="model-entry-header">
        <h3 id={headingId}>{model.name}</h3>
        <span className={`status-label model-status-${model.status}`}>{statusText(model)}</span>
        {selected && <span className="status-label">Selected</span>}
      </div>
      <p className="model-summary">
        {model.demo ? 'demo: random weights, makes noise · ' : ''}
        {model.kind === 'decoder' ? 'Fast VAE decoder: choose it under Decoder' : model.modes.map((mode) => MODE_LABELS[mode]).join(', ')}
        {' · '}
        {formatBytes(model.bytes)}
        {model.dtype ? ` · ${model.dtype}` : ''}
        {model.needsShaderF16 ? ' · needs shader-f16' : ''}
        {model.recommended ? ' · recommended for capable GPUs' : ''}
      </p>
      {model.advice && (
        <p className={`model-advice advice-${model.advice.verdict}`}>
          {VERDICT_TEXT[model.advice.verdict]}
          {model.advice.reasons.length > 0 ? `: ${model.advice.reasons.join('; ')}.` : '.'}
        </p>
      )}
      {model.unconfirmed && <p className="model-unconfirmed">Not confirmed: {model.unconfirmed}</p>}
      {(busy || hasBytes) && progress && (
        <div className="model-progress">
          <progress aria-label={`${model.name} download`} max={100} value={percent} />
          <span className="model-progress-text">
            {formatBytes(progress.received)} of {formatBytes(progress.total)}
            {progress.bytesPerSecond > 0 ? ` · ${formatBytes(progress.bytesPerSecond)}/s · ${timeLeft(progress.secondsLeft)}` : ''}
          </span>
        </div>
      )}
      {model.error && (
        <p className="model-error" role="alert">
          {model.error}
        </p>
      )}
      <div className="model-actions">
        {model.status === 'absent' && (
          <button type="button" onClick={() => void models.download(model.id)}>
            Download {model.name}
          </button>
        )}
        {model.status === 'failed' && (
          <button type="button" onClick={() => void models.download(model.id)}>
            {hasBytes ? 'Resume' : `Download ${model.name}`}
          </button>
        )}
        {model.status === 'downloading' && (
          <button type="button" onClick={() => models.pause(model.id)}>
            Pause
          </button>
        )}
        {model.status === 'paused' && (
          <button type="button" onClick={() => void models.resume(model.id)}>
            Resume
          </button>
        )}
        {(model.status === 'downloading' || model.status === 'paused' || hasBytes) && (
          <button type="button" onClick={() => void models.cancel(model.id)}>
            Cancel download
          </button>
        )}
        {(model.status === 'ready' || (model.custom && !busy)) && (
          <button type="button" className="danger" onClick={() => void models.delete(model.id)}>
            Delete {model.name}
          </button>
        )}
      </div>
      <details className="model-details">
        <summary>Details and sources</summary>
        <p>{model.description}</p>
        <p>From {model.origin}.</p>
        {model.licence && <p>Licence: {model.licence.url ? <a href={model.licence.url}>{model.licence.name}</a> : model.licence.name}</p>}
        {model.notes && model.notes.length > 0 && (
          <ul>
            {model.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        )}
        {model.sources.length > 0 && (
          <ul className="model-sources">
            {model.sources.map((source) => (
              <li key={source}>{source}</li>
            ))}
          </ul>
        )}
        {progress && progress.files.length > 0 && (
          <table className="model-files">
            <caption className="visually-hidden">Files of {model.name}</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Stored</th>
              </tr>
            </thead>
            <tbody>
              {progress.files.map((file) => (
                <tr key={file.path}>
                  <td>{file.path}</td>
                  <td>{file.complete ? `${formatBytes(file.size)} ✓` : `${formatBytes(file.received)} of ${formatBytes(file.size)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </li>
  );
}
