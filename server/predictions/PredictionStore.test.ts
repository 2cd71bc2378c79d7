// The in-memory store: the cap drops the oldest finished predictions first and never a queued or running one;
// Prefer: wait's waiter ends on a terminal status or its time.
import { describe, expect, it } from 'vitest';
import type { PredictionStatus } from '../../src/predictions/PredictionInput';
import type { PredictionRecord } from './predictionRecord';
import { PredictionStore } from './PredictionStore';

const record = (id: string, status: PredictionStatus): PredictionRecord => ({
  id, model: 'm', version: 'v', input: {}, status, error: null, logs: [], created_at: new Date().toISOString(), metrics: {}, outputCount: 0,
});

describe('PredictionStore', () => {
  it('keeps the last `keep` predictions, dropping the oldest finished ones first', () => {
    const store = new PredictionStore(2);
    store.add(record('running', 'processing'), 'http://x');
    store.add(record('old', 'succeeded'), 'http://x');
    store.add(record('new', 'succeeded'), 'http://x');
    expect(['running', 'old', 'new'].map((id) => store.get(id) !== undefined)).toEqual([true, false, true]);
    store.add(record('queued', 'starting'), 'http://x');
    expect(store.get('new')).toBeUndefined();
    // Only active predictions left: none is dropped, the count goes over until one finishes.
    store.add(record('queued2', 'starting'), 'http://x');
    expect(store.activeCount()).toBe(3);
    store.update('running', (r) => (r.status = 'succeeded'), ['completed']);
    expect(store.get('running')).toBeUndefined();
  });

  it('ends a wait when the prediction finishes, or when its time is up', async () => {
    const store = new PredictionStore(10);
    store.add(record('a', 'processing'), 'http://x');
    const started = Date.now();
    await store.waitUntilTerminal('a', 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    const waiting = store.waitUntilTerminal('a', 10_000);
    store.update('a', (r) => (r.status = 'canceled'), ['completed']);
    await waiting;
  });
});
