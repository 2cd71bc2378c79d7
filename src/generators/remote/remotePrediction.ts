// The Prediction record of a remote job: the input as sent minus its pixels (recordInput), the remote's id, model,
// version, status, logs and metrics, and the timestamps of this client's view of the run.
import type { RgbaImage } from '../../predictions/rgbaImage';
import type { Prediction, PredictionInput, PredictionMetrics, PredictionStatus } from '../../predictions/PredictionInput';
import { recordInput } from '../predictionRecord';

export function startingRemotePrediction(id: string, model: string, input: PredictionInput<RgbaImage>, backend: string, createdAt: Date): Prediction {
  return { id, model, input: recordInput(input), status: 'starting', output: null, error: null, logs: '', metrics: {}, created_at: createdAt.toISOString(), backend };
}

export interface RemoteCompletion {
  status: PredictionStatus;
  completedAt: Date;
  logs: string;
  error?: string;
  output?: string[];
  /** What the remote reported (predict_time); total_time is always ours, from submit to result. */
  metrics?: PredictionMetrics;
}

export function completedRemotePrediction(prediction: Prediction, completion: RemoteCompletion): Prediction {
  const { status, completedAt, logs, error, output, metrics } = completion;
  const since = (iso: string | undefined) => (iso ? (completedAt.getTime() - Date.parse(iso)) / 1000 : undefined);
  const predictTime = metrics?.predict_time ?? since(prediction.started_at);
  return {
    ...prediction,
    status,
    error: error ?? null,
    output: output && output.length > 0 ? output : null,
    logs,
    metrics: { ...metrics, ...(predictTime !== undefined ? { predict_time: predictTime } : {}), total_time: since(prediction.created_at) },
    completed_at: completedAt.toISOString(),
  };
}
