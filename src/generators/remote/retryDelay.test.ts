// Retry-After in both of its forms, and backoff that doubles, caps and jitters.
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from './retryDelay';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from the base, caps at the maximum, and stays within ±25% jitter', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => backoffMs(attempt, 1000, 5000, () => 0.5))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffMs(0, 1000, 5000, () => 0)).toBe(750);
    expect(backoffMs(0, 1000, 5000, () => 0.999999)).toBe(1250);
  });
});
