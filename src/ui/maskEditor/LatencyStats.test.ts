// Paint-latency statistics: the last value and the median over a rolling window.
import { describe, expect, it } from 'vitest';
import { LatencyStats } from './LatencyStats';

describe('LatencyStats', () => {
  it('is NaN before any sample', () => {
    const stats = new LatencyStats();
    expect(stats.last).toBeNaN();
    expect(stats.median).toBeNaN();
  });

  it('keeps the last value and the median (mean of the middle two for an even count)', () => {
    const stats = new LatencyStats();
    for (const ms of [5, 1, 9]) stats.record(ms);
    expect(stats.last).toBe(9);
    expect(stats.median).toBe(5);
    stats.record(3);
    expect(stats.median).toBe(4);
  });

  it('forgets samples older than the window', () => {
    const stats = new LatencyStats(3);
    for (const ms of [100, 100, 100, 1, 2, 3]) stats.record(ms);
    expect(stats.median).toBe(2);
  });
});
