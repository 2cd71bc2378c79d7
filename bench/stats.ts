// Summaries the benchmark reports: median with min and max, never a mean (one slow outlier on a shared 2-core
// machine would move a mean, not a median).

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export const format = (value: number, digits = 2) => value.toFixed(digits);
export const range = (s: Summary, digits = 2) => `${format(s.median, digits)} (${format(s.min, digits)}–${format(s.max, digits)})`;
