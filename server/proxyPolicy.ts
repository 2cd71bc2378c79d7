// Who the proxy serves and where it may go: the allow-list of remote API hosts (https unless an entry names its
// own origin, as tests do for a local fake upstream), the same-origin check on browser callers, and the CORS
// headers an allowed caller gets.
import type { FastifyRequest } from 'fastify';
import { ProblemError } from './httpProblems';
import { requestOrigin } from './requestOrigin';

/** Path key ("api.replicate.com", "127.0.0.1:8080") → the origin requests go to. */
export type ProxyTargets = ReadonlyMap<string, string>;

export class ProxyConfigError extends Error {
  readonly code = 'invalid_proxy_host';
  constructor(entry: string) {
    super(`--proxy-allow: expected a host name ("api.replicate.com") or an http(s) origin ("http://127.0.0.1:8080"), got ${JSON.stringify(entry)}`);
    this.name = 'ProxyConfigError';
  }
}

export function proxyTargets(allow: readonly string[]): ProxyTargets {
  const targets = new Map<string, string>();
  for (const entry of allow) {
    let url: URL;
    try {
      url = new URL(entry.includes('://') ? entry : `https://${entry}`);
    } catch {
      throw new ProxyConfigError(entry);
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) throw new ProxyConfigError(entry);
    targets.set(url.host.toLowerCase(), url.origin);
  }
  return targets;
}

export function targetOrigin(targets: ProxyTargets, host: string): string {
  const origin = targets.get(host.toLowerCase());
  if (!origin) {
    throw new ProblemError('host_not_allowed', 403, 'Host not allowed', `The proxy forwards only to ${[...targets.keys()].join(', ')}; got ${JSON.stringify(host)}`);
  }
  return origin;
}

/**
 * Browsers say where a request comes from: `Sec-Fetch-Site` (same-origin, or none for a typed URL) and `Origin`.
 * A page on another site gets 403, so the proxy cannot be used from someone else's page with a visitor's network
 * position. Callers that send neither (curl, scripts) are not browsers being abused and pass.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const own = requestOrigin(request);
  if ((site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin !== own)) {
    throw new ProblemError('cross_site_caller', 403, 'Cross-site request refused', `The proxy serves pages of ${own} only; this request came from ${origin ?? `a ${site} page`}`);
  }
}

export function corsHeaders(request: FastifyRequest): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': requestOrigin(request),
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Prefer, Cancel-After',
    'Access-Control-Expose-Headers': 'Retry-After, Location',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}
