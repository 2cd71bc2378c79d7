// The local job's Prediction record: no pixels in the input, Replicate's statuses, times and metrics.
import { describe, expect, it } from 'vitest';
import { completedPrediction, recordInput, startingPrediction } from './predictionRecord';

const image = (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) });

describe('prediction records', () => {
  it('replaces image and mask pixels with short placeholders and keeps every other field', () => {
    const input = { prompt: 'a cat', prompt_strength: 0.6, seed: 4, image: image(640, 480), mask: image(640, 480) };
    expect(recordInput(input)).toEqual({ prompt: 'a cat', prompt_strength: 0.6, seed: 4, image: '(input image 640x480)', mask: '(mask 640x480)' });
    expect(input.image.width).toBe(640);
    expect(recordInput({ prompt: 'no images' })).toEqual({ prompt: 'no images' });
  });

  it('starts as starting and completes with status, error, joined logs, times and metrics in seconds', () => {
    const created = new Date('2025-01-01T10:00:00.000Z');
    const started = { ...startingPrediction('p1', 'tiny-sd', { prompt: 'x' }, created), status: 'processing' as const, started_at: '2025-01-01T10:00:02.000Z' };
    expect(startingPrediction('p1', 'tiny-sd', { prompt: 'x' }, created)).toMatchObject({
      id: 'p1', model: 'tiny-sd', status: 'starting', output: null, error: null, created_at: '2025-01-01T10:00:00.000Z',
    });

    const done = completedPrediction(started, {
      status: 'succeeded', completedAt: new Date('2025-01-01T10:00:07.500Z'), logs: ['Backend: WASM · 2 threads', 'Using seed: 4'], predictMs: 4250,
    });
    expect(done).toMatchObject({ status: 'succeeded', error: null, logs: 'Backend: WASM · 2 threads\nUsing seed: 4', completed_at: '2025-01-01T10:00:07.500Z' });
    expect(done.metrics).toEqual({ predict_time: 4.25, total_time: 7.5 });

    const failed = completedPrediction(started, { status: 'failed', completedAt: new Date('2025-01-01T10:00:03.000Z'), logs: [], error: 'boom' });
    expect(failed).toMatchObject({ status: 'failed', error: 'boom', metrics: { predict_time: 1, total_time: 3 } });

    const canceledWhileQueued = completedPrediction(startingPrediction('p2', 'tiny-sd', {}, created), {
      status: 'canceled', completedAt: new Date('2025-01-01T10:00:01.000Z'), logs: ['Canceled'],
    });
    expect(canceledWhileQueued.metrics).toEqual({ total_time: 1 });
  });
});
