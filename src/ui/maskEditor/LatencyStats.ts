// Paint latency (pointer event -> canvas updated) as the benchmark reads it: the last value and a rolling median
// over a fixed window, kept in a ring buffer so recording costs no allocation.

export class LatencyStats {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;
  /** The latest value in milliseconds; NaN before the first. */
  last = NaN;

  constructor(windowSize = 64) {
    this.samples = new Float64Array(windowSize);
  }

  record(milliseconds: number): void {
    this.last = milliseconds;
    this.samples[this.next] = milliseconds;
    this.next = (this.next + 1) % this.samples.length;
    if (this.count < this.samples.length) this.count++;
  }

  /** Median of the last `windowSize` values (mean of the middle two for an even count); NaN when empty. */
  get median(): number {
    if (this.count === 0) return NaN;
    const sorted = this.samples.slice(0, this.count).sort();
    const middle = this.count >> 1;
    return this.count % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
