// The running job: phase, step k of n, speed, a live preview of the latents, and Cancel; queued jobs below it.
import type { JobView } from '../state/jobsSlice';
import { previewImage } from '../app/previewImages';
import { MODE_LABELS } from './ModeTabs';
import { RgbaCanvas } from './RgbaCanvas';

const PHASE_LABELS: Record<string, string> = {
  'loading-model': 'Loading model',
  'encoding-prompt': 'Encoding prompt',
  'encoding-image': 'Encoding image',
  denoising: 'Denoising',
  decoding: 'Decoding',
};

function describe(job: JobView): string {
  const phase = PHASE_LABELS[job.phase ?? ''] ?? 'Starting';
  if (job.phase !== 'denoising' || job.totalSteps === 0) return `${phase}…`;
  const speed = job.stepsPerSecond ? ` · ${job.stepsPerSecond.toFixed(job.stepsPerSecond < 10 ? 1 : 0)} steps/s` : '';
  return `Step ${job.step} of ${job.totalSteps}${speed}`;
}

interface ProgressPanelProps {
  jobs: JobView[];
  onCancel(id: string): void;
}

export function ProgressPanel({ jobs, onCancel }: ProgressPanelProps) {
  const running = jobs.find((job) => job.status === 'running');
  const queued = jobs.filter((job) => job.status === 'queued');
  if (!running && queued.length === 0) return null;
  return (
    <section className="progress-panel" aria-label="Progress">
      {running && (
        <div className="running-job">
          <div className="progress-header">
            <span className="progress-text" aria-live="polite">
              {MODE_LABELS[running.mode]}: {describe(running)}
            </span>
            <button type="button" className="cancel-button" onClick={() => onCancel(running.id)}>
              Cancel
            </button>
          </div>
          <div
            role="progressbar"
            aria-label="Generation progress"
            aria-valuemin={0}
            aria-valuemax={Math.max(running.totalSteps, 1)}
            aria-valuenow={running.step}
            aria-valuetext={describe(running)}
            className="progress-bar"
          >
            <div className="progress-fill" style={{ width: `${running.totalSteps ? (100 * running.step) / running.totalSteps : 0}%` }} />
          </div>
          {running.previewVersion > 0 && (
            <RgbaCanvas image={previewImage(running.id)} version={running.previewVersion} label="Live preview" className="live-preview" />
          )}
        </div>
      )}
      {queued.length > 0 && (
        <ul className="queue" aria-label="Queued jobs">
          {queued.map((job) => (
            <li key={job.id}>
              <span>
                Queued #{job.position}: {MODE_LABELS[job.mode]} · {job.prompt ? `“${job.prompt.length > 60 ? `${job.prompt.slice(0, 57)}…` : job.prompt}”` : '(no prompt)'}
              </span>
              <button type="button" onClick={() => onCancel(job.id)} aria-label={`Cancel queued job ${job.position}`}>
                Cancel
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
