// Progress and seed read from Replicate logs as its Stable Diffusion models write them (tqdm bars rewritten with \r).
import { describe, expect, it } from 'vitest';
import { progressFromLogs, seedFromLogs } from './replicateLogs';

describe('progressFromLogs', () => {
  it('reads the newest tqdm bar, its steps and rate', () => {
    const logs = 'Using seed: 31337\n  0%|          | 0/50 [00:00<?, ?it/s]\r 40%|████      | 20/50 [00:02<00:03,  9.80it/s]';
    expect(progressFromLogs(logs)).toEqual({ step: 20, totalSteps: 50, stepsPerSecond: 9.8 });
  });

  it('turns seconds per iteration into steps per second, and takes a bar without its rate', () => {
    expect(progressFromLogs(' 10%|█         | 5/50 [00:10<01:30,  2.00s/it]')).toEqual({ step: 5, totalSteps: 50, stepsPerSecond: 0.5 });
    expect(progressFromLogs('100%|██████████| 50/50')).toEqual({ step: 50, totalSteps: 50 });
  });

  it('finds nothing in logs without a bar', () => {
    expect(progressFromLogs('Using seed: 1\nloading weights 20/50 done')).toBeUndefined();
    expect(progressFromLogs('')).toBeUndefined();
  });
});

describe('seedFromLogs', () => {
  it('reads the last seed printed', () => {
    expect(seedFromLogs('Using seed: 12\nUsing seed: 4294967295\n 0%|  | 0/20')).toBe(4294967295);
    expect(seedFromLogs('no seed here')).toBeUndefined();
  });
});
