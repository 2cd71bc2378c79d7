// Prefer: wait and Cancel-After as clients send them.
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../httpProblems';
import { cancelAfterMs, formatDuration, preferredWaitSeconds } from './requestHeaders';

describe('preferredWaitSeconds', () => {
  it('reads wait and wait=N among other preferences, within 1–60 s', () => {
    expect(preferredWaitSeconds(undefined)).toBeUndefined();
    expect(preferredWaitSeconds('respond-async')).toBeUndefined();
    expect(preferredWaitSeconds('wait')).toBe(60);
    expect(preferredWaitSeconds('wait=5')).toBe(5);
    expect(preferredWaitSeconds('respond-async, wait=10')).toBe(10);
    expect(preferredWaitSeconds('wait=600')).toBe(60);
    expect(preferredWaitSeconds('wait=0')).toBe(1);
  });
});

describe('cancelAfterMs', () => {
  it('reads durations with units, combined units and bare seconds', () => {
    expect(cancelAfterMs(undefined)).toBeUndefined();
    expect(cancelAfterMs('30s')).toBe(30_000);
    expect(cancelAfterMs('5m')).toBe(300_000);
    expect(cancelAfterMs('1h30m')).toBe(5_400_000);
    expect(cancelAfterMs('1m30s')).toBe(90_000);
    expect(cancelAfterMs('500ms')).toBe(500);
    expect(cancelAfterMs('1.5s')).toBe(1500);
    expect(cancelAfterMs('45')).toBe(45_000);
  });

  it('refuses anything else, saying what is valid', () => {
    for (const bad of ['soon', '0s', '-5s', '5 minutes', '', '5d']) {
      expect(() => cancelAfterMs(bad), bad).toThrow(ProblemError);
    }
    expect(() => cancelAfterMs('soon')).toThrow(/expected a positive duration such as "30s", "5m", "1h30m", "500ms" or a number of seconds, got "soon"/);
  });

  it('formats durations back for log lines', () => {
    expect([formatDuration(300), formatDuration(1000), formatDuration(90_000), formatDuration(5_400_000)]).toEqual(['300ms', '1s', '1m30s', '1h30m']);
  });
});
