// Predictions and their output PNGs, in memory only: the last `keep` predictions (default 100; the oldest finished
// ones go first, running and queued ones never), change notifications for webhooks and `Prefer: wait`, and
// cursor pagination newest first, as GET /v1/predictions pages.
import { ProblemError } from '../httpProblems';
import { isTerminal, type PredictionRecord } from './predictionRecord';
import type { WebhookEvent, WebhookTarget } from './predictionRequest';

export interface StoredPrediction {
  /** Creation order, for pagination. */
  readonly seq: number;
  readonly record: PredictionRecord;
  outputs: Uint8Array[];
  /** The origin the creating request reached us at: webhook payloads are built from it. */
  readonly origin: string;
  readonly webhook?: WebhookTarget;
}

export type PredictionListener = (entry: StoredPrediction, events: readonly WebhookEvent[]) => void;

export interface Page {
  items: StoredPrediction[];
  next?: string;
  previous?: string;
}

/** Opaque cursors: "b<seq>" pages to older predictions than seq, "a<seq>" to newer ones. */
const encodeCursor = (direction: 'a' | 'b', seq: number) => Buffer.from(`${direction}${seq}`).toString('base64url');

function decodeCursor(cursor: string): { direction: 'a' | 'b'; seq: number } {
  const match = /^([ab])(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new ProblemError('invalid_cursor', 400, 'Invalid cursor', `cursor: expected a value from a page's next or previous URL, got ${JSON.stringify(cursor.slice(0, 40))}`);
  return { direction: match[1] as 'a' | 'b', seq: Number(match[2]) };
}

export class PredictionStore {
  /** Insertion order is creation order. */
  private readonly entries = new Map<string, StoredPrediction>();
  private readonly listeners = new Set<PredictionListener>();
  private seq = 0;

  constructor(private readonly keep: number) {}

  activeCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (!isTerminal(entry.record.status)) count++;
    return count;
  }

  add(record: PredictionRecord, origin: string, webhook?: WebhookTarget): StoredPrediction {
    const entry: StoredPrediction = { seq: ++this.seq, record, outputs: [], origin, webhook };
    this.entries.set(record.id, entry);
    this.evict();
    return entry;
  }

  private evict(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.keep) return;
      if (isTerminal(entry.record.status)) this.entries.delete(id);
    }
  }

  get(id: string): StoredPrediction | undefined {
    return this.entries.get(id);
  }

  /** Applies `change` to the record and tells the listeners which events it was (start, logs, output, completed). */
  update(id: string, change: (record: PredictionRecord, entry: StoredPrediction) => void, events: readonly WebhookEvent[]): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    change(entry.record, entry);
    for (const listener of this.listeners) listener(entry, events);
    if (isTerminal(entry.record.status)) this.evict();
  }

  subscribe(listener: PredictionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the prediction is finished, `ms` have passed, or `signal` fires (a caller hung up). */
  waitUntilTerminal(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || isTerminal(entry.record.status) || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = this.subscribe((changed) => {
        if (changed.record.id === id && isTerminal(changed.record.status)) done();
      });
      signal?.addEventListener('abort', done);
    });
  }

  /** One page, newest first; `cursor` comes from an earlier page's next or previous link. */
  page(cursor: string | undefined, size: number): Page {
    const all = [...this.entries.values()].reverse();
    const at = cursor ? decodeCursor(cursor) : undefined;
    let items: StoredPrediction[];
    if (!at) items = all.slice(0, size);
    else if (at.direction === 'b') items = all.filter((entry) => entry.seq < at.seq).slice(0, size);
    else items = all.filter((entry) => entry.seq > at.seq).slice(-size);
    if (items.length === 0) return { items };
    const [newest, oldest] = [items[0].seq, items[items.length - 1].seq];
    return {
      items,
      next: all.some((entry) => entry.seq < oldest) ? encodeCursor('b', oldest) : undefined,
      previous: all.some((entry) => entry.seq > newest) ? encodeCursor('a', newest) : undefined,
    };
  }
}
