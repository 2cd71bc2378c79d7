// Where a job runs: Auto stays local when it can, asks once before leaving the device, and never sends a job to
// an API nobody set up; WebGPU/WASM stay local; Remote goes remote.
import { describe, expect, it } from 'vitest';
import { decideCompute, type ComputeSituation } from './computePolicy';

const base: ComputeSituation = { computeOn: 'auto', localProblem: null, remoteConfigured: true, remoteConsent: false };

describe('decideCompute', () => {
  it('runs locally on Auto when this device can run the model', () => {
    expect(decideCompute(base)).toEqual({ run: 'local' });
  });

  it('asks before sending a job the device cannot run, then remembers the answer', () => {
    const problem = 'SD-Turbo (fp16) is not downloaded on this device.';
    expect(decideCompute({ ...base, localProblem: problem })).toEqual({ run: 'ask', reason: problem });
    expect(decideCompute({ ...base, localProblem: problem, remoteConsent: true })).toEqual({ run: 'remote' });
  });

  it('says why nothing can run when there is no remote API to fall back on', () => {
    expect(decideCompute({ ...base, localProblem: 'No WebGPU.', remoteConfigured: false })).toEqual({ run: 'nowhere', reason: 'No WebGPU. Set up a remote API to run it elsewhere.' });
    expect(decideCompute({ ...base, computeOn: 'remote', remoteConfigured: false })).toMatchObject({ run: 'nowhere' });
  });

  it('keeps an explicit local backend local, and an explicit Remote remote', () => {
    expect(decideCompute({ ...base, computeOn: 'wasm', localProblem: 'slow' })).toEqual({ run: 'local' });
    expect(decideCompute({ ...base, computeOn: 'remote' })).toEqual({ run: 'remote' });
  });
});
