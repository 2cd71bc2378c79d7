// Why a job stops early (the user canceled, or our deadline passed) and how that travels through awaits: the job's
// stop signal aborts with a JobStopped, which requests in flight throw and sleeps wake up on.

export type StopReason = 'canceled' | 'timeout';

export class JobStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(reason === 'canceled' ? 'The job was canceled.' : 'The job passed its deadline.');
    this.name = 'JobStopped';
  }
}

/** Waits `ms`, or less when `signal` aborts first; never rejects (callers look at why they woke up). */
export function sleepUnlessStopped(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
