// The Prediction record of a local job: the input as sent minus its pixels, and the status, logs, metrics and
// timestamps that Replicate's API would report for the same run.
import type { RgbaImage } from '../predictions/rgbaImage';
import type { Prediction, PredictionInput, PredictionStatus } from '../predictions/PredictionInput';

/** Pixels do not belong in a record that is stored and listed: a short placeholder says what was there. */
export function recordInput(input: PredictionInput<RgbaImage>): PredictionInput {
  const { image, mask, ...fields } = input;
  const record: PredictionInput = { ...fields };
  if (image) record.image = `(input image ${image.width}x${image.height})`;
  if (mask) record.mask = `(mask ${mask.width}x${mask.height})`;
  return record;
}

export function startingPrediction(id: string, model: string, input: PredictionInput<RgbaImage>, createdAt: Date): Prediction {
  return {
    id,
    model,
    input: recordInput(input),
    status: 'starting',
    output: null,
    error: null,
    logs: '',
    metrics: {},
    created_at: createdAt.toISOString(),
    backend: 'local',
  };
}

export interface Completion {
  status: Extract<PredictionStatus, 'succeeded' | 'failed' | 'canceled'>;
  completedAt: Date;
  error?: string;
  logs: readonly string[];
  /** Time the engine spent on the prediction itself, when it reported one. */
  predictMs?: number;
}

/** The finished record; predict_time falls back to the time since the job started when the engine gave none. */
export function completedPrediction(prediction: Prediction, completion: Completion): Prediction {
  const { status, completedAt, error, logs, predictMs } = completion;
  const since = (iso: string | undefined) => (iso ? (completedAt.getTime() - Date.parse(iso)) / 1000 : undefined);
  const predictTime = predictMs !== undefined ? predictMs / 1000 : since(prediction.started_at);
  return {
    ...prediction,
    status,
    error: error ?? null,
    logs: logs.join('\n'),
    metrics: {
      ...(predictTime !== undefined ? { predict_time: predictTime } : {}),
      total_time: since(prediction.created_at),
    },
    completed_at: completedAt.toISOString(),
  };
}
