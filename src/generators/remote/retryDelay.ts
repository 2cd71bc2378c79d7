// How long to wait before retrying a request: the server's Retry-After when it sent one (RFC 9110 §10.2.3:
// seconds or an HTTP date), else exponential backoff with jitter so many clients do not retry in lockstep.

/** Retry-After in milliseconds from now, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** baseMs · 2^attempt, capped at maxMs, then ±25% jitter (attempt 0 is the first retry). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(plain * (0.75 + 0.5 * random()));
}
