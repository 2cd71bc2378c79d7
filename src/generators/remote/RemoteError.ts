// The typed error of the remote clients: one string `code` per way a remote prediction can fail (the UI and the
// fallback policy branch on it), a message saying what was expected and what came, and field errors when the
// input was refused.
import type { SerializedError } from '../../predictions/backends';
import type { FieldError } from '../../predictions/errors';

export type RemoteErrorCode =
  /** 401, or the v3 API's "invalid key": the token is wrong or missing. */
  | 'unauthenticated'
  /** 402: the account has no credit left. */
  | 'payment_required'
  /** Refused before sending by the shared validation, or a 400/422 from the API; `fieldErrors` says which fields. */
  | 'invalid_input'
  /** An unknown prediction, or a 404/422 about the model version itself. */
  | 'not_found'
  /** 429 after the retries. */
  | 'rate_limited'
  /** 5xx (HTML error pages included) after the retries, or an answer that is not the API's. */
  | 'server_error'
  /** The server could not be reached, or did not answer a request in time. */
  | 'network'
  /** Our deadline passed; the remote prediction was canceled. */
  | 'timeout'
  /** The server gave up on the prediction (Replicate's `aborted`, e.g. after `Cancel-After`). */
  | 'aborted'
  /** The prediction ran and failed (status `failed`); the message is the remote's `error`. */
  | 'remote_failed'
  /** createRemoteGenerator was given a configuration it cannot use (not a job error). */
  | 'invalid_config';

export class RemoteError extends Error {
  readonly code: RemoteErrorCode;
  readonly fieldErrors?: FieldError[];
  /** The HTTP status that caused it, when one did. */
  readonly status?: number;

  constructor(code: RemoteErrorCode, message: string, details: { fieldErrors?: FieldError[]; status?: number } = {}) {
    super(message);
    this.name = 'RemoteError';
    this.code = code;
    if (details.fieldErrors && details.fieldErrors.length > 0) this.fieldErrors = details.fieldErrors;
    if (details.status !== undefined) this.status = details.status;
  }

  toSerialized(redact: (text: string) => string = (text) => text): SerializedError {
    const serialized: SerializedError = { name: this.name, code: this.code, message: redact(this.message) };
    if (this.fieldErrors) serialized.fieldErrors = this.fieldErrors.map((e) => ({ ...e, got: redact(e.got), message: redact(e.message) }));
    return serialized;
  }
}

/** Anything thrown, as a RemoteError: a bug in this code must still end the job as a failure, not a hang. */
export function asRemoteError(error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteError('server_error', `The remote client failed unexpectedly: ${message}`);
}
