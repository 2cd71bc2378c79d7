// A prediction as the server keeps it, and as it goes on the wire in Replicate's shape: output and urls are
// absolute URLs built from the origin the caller reached us at, so the same record reads right behind any host name.
import type { PredictionStatus } from '../../src/predictions/PredictionInput';

export interface PredictionRecord {
  id: string;
  /** "owner/name" of the Replicate model the version belongs to. */
  model: string;
  /** The 64-hex version id, as Replicate reports it. */
  version: string;
  input: Record<string, unknown>;
  status: PredictionStatus;
  error: string | null;
  logs: string[];
  created_at: string;
  started_at?: string;
  completed_at?: string;
  metrics: { predict_time?: number; total_time?: number };
  /** How many output PNGs the prediction made (served from /v1/files/{id}/{n}.png). */
  outputCount: number;
}

/** The prediction JSON Replicate's API returns (GET /v1/predictions/{id}, list results, webhook bodies). */
export interface ReplicatePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  logs: string;
  output: string[] | null;
  data_removed: boolean;
  error: string | null;
  source: 'api';
  status: PredictionStatus;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  metrics: PredictionRecord['metrics'];
  urls: { get: string; cancel: string };
}

const TERMINAL: readonly PredictionStatus[] = ['succeeded', 'failed', 'canceled', 'aborted'];
export const isTerminal = (status: PredictionStatus) => TERMINAL.includes(status);

export const outputUrl = (origin: string, id: string, index: number) => `${origin}/v1/files/${id}/${index}.png`;

export function toWire(record: PredictionRecord, origin: string): ReplicatePrediction {
  const get = `${origin}/v1/predictions/${record.id}`;
  const output = record.status === 'succeeded' ? Array.from({ length: record.outputCount }, (_, index) => outputUrl(origin, record.id, index)) : null;
  // Replicate's field order, so a record reads the same side by side with one of theirs.
  return {
    id: record.id,
    model: record.model,
    version: record.version,
    input: record.input,
    logs: record.logs.join('\n'),
    output,
    data_removed: false,
    error: record.error,
    source: 'api',
    status: record.status,
    created_at: record.created_at,
    ...(record.started_at ? { started_at: record.started_at } : {}),
    ...(record.completed_at ? { completed_at: record.completed_at } : {}),
    metrics: record.metrics,
    urls: { get, cancel: `${get}/cancel` },
  };
}

/**
 * The input as records show it: inline images (data URLs, up to 10 MB each) become a short note, so a poll or a list
 * page never carries them and the hundred kept records stay small. The queued job keeps the real input.
 */
export function withoutInlineImages(input: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const isLargeDataUrl = typeof value === 'string' && value.startsWith('data:') && value.length > 1024;
    kept[name] = isLargeDataUrl ? `${value.slice(0, value.indexOf(',') + 1)}… (${value.length} characters, not kept)` : value;
  }
  return kept;
}
