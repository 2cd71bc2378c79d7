// What a Replicate prediction's `logs` tell besides text: the denoising progress from the last tqdm bar
// (" 40%|████      | 20/50 [00:02<00:03,  9.80it/s]") and the seed the model printed ("Using seed: 1234").

export interface LogProgress {
  step: number;
  totalSteps: number;
  stepsPerSecond?: number;
}

// percent, the bar, "n/total", then optionally tqdm's "[elapsed<remaining, rate]".
const TQDM_BAR = /(\d{1,3})%\|[^|\r\n]*\|\s*(\d+)\/(\d+)(?:\s*\[([^\]\r\n]*)\])?/g;
const RATE = /([\d.]+)\s*(it\/s|s\/it)/;
const SEED = /Using seed:\s*(\d+)/g;

/** The last tqdm bar in `logs` (tqdm rewrites its line with \r, so the last one is the newest), if any. */
export function progressFromLogs(logs: string): LogProgress | undefined {
  let last: RegExpExecArray | undefined;
  for (const match of logs.matchAll(TQDM_BAR)) last = match as RegExpExecArray;
  if (!last) return undefined;
  const step = Number(last[2]);
  const totalSteps = Number(last[3]);
  if (totalSteps < 1 || step > totalSteps) return undefined;
  const progress: LogProgress = { step, totalSteps };
  const rate = last[4] ? RATE.exec(last[4]) : null;
  if (rate) {
    const value = Number(rate[1]);
    // tqdm switches to seconds per iteration when an iteration takes longer than a second.
    if (value > 0) progress.stepsPerSecond = rate[2] === 'it/s' ? value : 1 / value;
  }
  return progress;
}

/** The last "Using seed: N" in `logs`, when the number is a safe integer. */
export function seedFromLogs(logs: string): number | undefined {
  let seed: number | undefined;
  for (const match of logs.matchAll(SEED)) {
    const value = Number(match[1]);
    if (Number.isSafeInteger(value)) seed = value;
  }
  return seed;
}
