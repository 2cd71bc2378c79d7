// Every error the server answers with, as a typed error with a string code, sent as RFC 7807 problem details the
// way Replicate sends them ({ title, detail, status } plus `invalid_fields` for a rejected input).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export type ProblemCode =
  | 'unauthenticated'
  | 'not_found'
  | 'invalid_input'
  | 'invalid_version'
  | 'invalid_header'
  | 'invalid_cursor'
  | 'queue_full'
  | 'host_not_allowed'
  | 'cross_site_caller'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_too_large'
  | 'bad_request'
  | 'internal';

/** One entry of Replicate's `invalid_fields`: `type` is a JSON-schema style keyword, `field` e.g. "input.width". */
export interface InvalidField {
  type: string;
  field: string;
  description: string;
}

export interface ProblemBody {
  title: string;
  detail: string;
  status: number;
  invalid_fields?: InvalidField[];
}

export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly invalidFields?: InvalidField[];
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    status: number,
    title: string,
    detail: string,
    extra: { invalidFields?: InvalidField[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.invalidFields = extra.invalidFields;
    this.headers = extra.headers ?? {};
  }

  body(): ProblemBody {
    return { title: this.title, detail: this.message, status: this.status, ...(this.invalidFields ? { invalid_fields: this.invalidFields } : {}) };
  }
}

export function sendProblem(reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply.code(problem.status).headers(problem.headers).type('application/problem+json').send(problem.body());
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request body too large',
  415: 'Unsupported media type',
};

/**
 * The app-wide error handler: ProblemErrors as they are; Fastify's own 4xx errors (bad JSON, body too large) as
 * problem details with their message; anything else as a 500 that is logged, without internals in the body.
 */
export function handleError(error: FastifyError | ProblemError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ProblemError) return sendProblem(reply, error);
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) {
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(reply, new ProblemError('internal', 500, 'Internal server error', 'The server failed unexpectedly; see its log.'));
  }
  return sendProblem(reply, new ProblemError('bad_request', status, TITLES[status] ?? 'Bad request', error.message));
}
