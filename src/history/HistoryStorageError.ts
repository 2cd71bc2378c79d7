// The history's one error type: a string `code` the UI branches on ('quota_exceeded' offers to delete old results)
// and a message that says what failed and what to do.

export type HistoryStorageErrorCode = 'quota_exceeded' | 'storage_failed';

export class HistoryStorageError extends Error {
  readonly code: HistoryStorageErrorCode;
  /** Bytes the failed save needed (blobs plus record), when it was a save. */
  readonly neededBytes?: number;
  constructor(code: HistoryStorageErrorCode, message: string, options: { cause?: unknown; neededBytes?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HistoryStorageError';
    this.code = code;
    if (options.neededBytes !== undefined) this.neededBytes = options.neededBytes;
  }
}

/** DOMException's legacy code for QuotaExceededError (WebIDL), what older Safari reports. */
const QUOTA_EXCEEDED_ERR = 22;

/**
 * Whether `error`, or an error it wraps (`cause`, or `error` as an IDBRequest or a wrapper carries it), is a quota
 * failure: 'QuotaExceededError' by name (Firefox's older 'NS_ERROR_DOM_QUOTA_REACHED' too), or legacy code 22.
 */
export function isQuotaError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, code, cause, error: inner } = error as { name?: unknown; code?: unknown; cause?: unknown; error?: unknown };
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  if (typeof DOMException !== 'undefined' && error instanceof DOMException && code === QUOTA_EXCEEDED_ERR) return true;
  return isQuotaError(cause, depth + 1) || isQuotaError(inner, depth + 1);
}

const megabytes = (bytes: number) => `${Math.max(0.1, bytes / 1e6).toFixed(1)} MB`;

/** A storage failure while trying to `what` ("save this prediction") as a HistoryStorageError. */
export function toHistoryStorageError(error: unknown, what: string, neededBytes?: number): HistoryStorageError {
  if (error instanceof HistoryStorageError) return error;
  if (isQuotaError(error)) {
    const needed = neededBytes === undefined ? '' : ` (${megabytes(neededBytes)} needed)`;
    return new HistoryStorageError(
      'quota_exceeded',
      `Not enough storage to ${what}${needed}; delete older results to make room.`,
      { cause: error, neededBytes },
    );
  }
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  const reason = typeof name === 'string' && typeof message === 'string' ? `${name}: ${message}` : String(error);
  return new HistoryStorageError('storage_failed', `Could not ${what}: the browser's storage failed (${reason}).`, {
    cause: error,
    neededBytes,
  });
}
