// The tqdm lines in our logs: the format diffusers prints on Replicate, and readable by the replicate package.
import { parseProgressFromLogs } from 'replicate';
import { describe, expect, it } from 'vitest';
import { formatInterval, seedLine, tqdmLine } from './progressLogs';

describe('tqdmLine', () => {
  it('writes tqdm\'s default bar: percentage, 10 cells with eighths, count, elapsed<remaining, rate', () => {
    expect(tqdmLine(0, 50, 0)).toBe('  0%|          | 0/50 [00:00<?, ?it/s]');
    expect(tqdmLine(20, 50, 2)).toBe(' 40%|████      | 20/50 [00:02<00:03, 10.00it/s]');
    expect(tqdmLine(1, 8, 0.5)).toBe(' 12%|█▎        | 1/8 [00:00<00:03,  2.00it/s]');
    expect(tqdmLine(50, 50, 4)).toBe('100%|██████████| 50/50 [00:04<00:00, 12.50it/s]');
    expect(tqdmLine(1, 4, 3)).toBe(' 25%|██▌       | 1/4 [00:03<00:09,  3.00s/it]');
  });

  it('reads back through the replicate package\'s parser', () => {
    const logs = [seedLine(42), tqdmLine(0, 25, 0), tqdmLine(10, 25, 1.2)].join('\n');
    expect(parseProgressFromLogs(logs)).toEqual({ percentage: 0.4, current: 10, total: 25 });
  });

  it('formats intervals as tqdm does', () => {
    expect(formatInterval(0)).toBe('00:00');
    expect(formatInterval(75.9)).toBe('01:15');
    expect(formatInterval(3725)).toBe('1:02:05');
  });
});
