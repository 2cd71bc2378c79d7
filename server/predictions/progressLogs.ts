// Progress as Replicate's Stable Diffusion models print it (diffusers' tqdm bar): " 40%|████      | 20/50
// [00:02<00:03,  6.10it/s]", so clients that parse Replicate logs (the replicate package's parseProgressFromLogs,
// our own remote generator) read our progress the same way.

/** tqdm's bar when it does not know the terminal width: 10 cells, eighths of a cell for the partial one. */
const BAR_WIDTH = 10;
const PARTIAL = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** tqdm's format_interval: "mm:ss", or "h:mm:ss" past an hour. */
export function formatInterval(seconds: number): string {
  const whole = Math.floor(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

function bar(fraction: number): string {
  const eighths = Math.floor(fraction * BAR_WIDTH * 8);
  const full = Math.floor(eighths / 8);
  if (full >= BAR_WIDTH) return '█'.repeat(BAR_WIDTH);
  return ('█'.repeat(full) + PARTIAL[eighths % 8]).padEnd(BAR_WIDTH, ' ');
}

/** Python's round-half-even, which tqdm's "{percentage:3.0f}" uses: 12.5 → 12, 37.5 → 38. */
function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return value % 1 === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** One tqdm line for `step` of `total` steps, `elapsedSeconds` after the bar started. */
export function tqdmLine(step: number, total: number, elapsedSeconds: number): string {
  const fraction = total > 0 ? Math.min(step / total, 1) : 0;
  const percent = `${roundHalfEven(fraction * 100)}`.padStart(3, ' ');
  const rate = step > 0 && elapsedSeconds > 0 ? step / elapsedSeconds : undefined;
  const rateText = rate === undefined ? '?it/s' : rate >= 1 ? `${rate.toFixed(2).padStart(5, ' ')}it/s` : `${(1 / rate).toFixed(2).padStart(5, ' ')}s/it`;
  const remaining = rate === undefined ? '?' : formatInterval((total - step) / rate);
  return `${percent}%|${bar(fraction)}| ${step}/${total} [${formatInterval(elapsedSeconds)}<${remaining}, ${rateText}]`;
}

export const seedLine = (seed: number) => `Using seed: ${seed}`;
