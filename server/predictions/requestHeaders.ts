// The two request headers that shape a prediction: `Prefer: wait[=N]` (hold the answer up to N seconds, 1–60,
// until the prediction finishes) and `Cancel-After` (a deadline after which the server cancels it itself).
import { ProblemError } from '../httpProblems';

/** Replicate holds a `Prefer: wait` request at most 60 s, which is also what a bare `wait` means. */
export const MAX_WAIT_SECONDS = 60;

/**
 * Seconds to hold the answer, or undefined when the header asks for no wait. Other preferences in the header are
 * ignored, as RFC 7240 asks; an out-of-range wait is brought into 1–60 rather than refused.
 */
export function preferredWaitSeconds(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  for (const preference of (text ?? '').split(',')) {
    const match = /^\s*wait\s*(?:=\s*"?(\d+)"?)?\s*$/i.exec(preference);
    if (!match) continue;
    if (match[1] === undefined) return MAX_WAIT_SECONDS;
    return Math.min(Math.max(Number(match[1]), 1), MAX_WAIT_SECONDS);
  }
  return undefined;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The `Cancel-After` deadline in milliseconds: a duration such as "30s", "5m", "1h30m", "500ms" or a bare number
 * of seconds. A malformed one is refused (400) rather than ignored: a caller relying on a deadline must know.
 */
export function cancelAfterMs(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header[0] : header).trim().toLowerCase();
  let total = 0;
  if (/^\d+(\.\d+)?$/.test(text)) total = Number(text) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  } else total = NaN;
  if (!Number.isFinite(total) || total <= 0) {
    throw new ProblemError(
      'invalid_header',
      400,
      'Invalid Cancel-After header',
      `Cancel-After: expected a positive duration such as "30s", "5m", "1h30m", "500ms" or a number of seconds, got ${JSON.stringify(text)}`,
    );
  }
  return Math.round(total);
}

/** "30s", "5m", "1h30m" for a log line. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.round(ms / 1000);
  const parts = [[Math.floor(seconds / 3600), 'h'], [Math.floor((seconds % 3600) / 60), 'm'], [seconds % 60, 's']] as const;
  return parts.filter(([amount]) => amount > 0).map(([amount, unit]) => `${amount}${unit}`).join('');
}
