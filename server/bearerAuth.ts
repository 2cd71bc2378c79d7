// Bearer-token auth for the prediction API when the server has a token (--token / SD_SERVER_TOKEN): anything else
// gets Replicate's 401. The comparison is constant-time, so response timing does not leak the token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from './httpProblems';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Replicate accepts "Bearer TOKEN" and its older "Token TOKEN"; so does this server. */
function presentedToken(header: string | undefined): string | undefined {
  const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function bearerAuth(token: string) {
  const expected = digest(token);
  return async function checkToken(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const presented = presentedToken(request.headers.authorization);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return;
    throw new ProblemError('unauthenticated', 401, 'Unauthenticated', 'You did not pass a valid authentication token', {
      headers: { 'WWW-Authenticate': 'Bearer realm="sd-studio"' },
    });
  };
}
