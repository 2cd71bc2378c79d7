// /proxy/{host}/… forwards the app's calls to remote image APIs that send no CORS headers (api.replicate.com,
// stablediffusionapi.com, modelslab.com): allow-listed hosts only, same-origin callers only, bounded in body size
// and time, redirects handed back rather than followed, bodies passed through untouched. The caller's
// Authorization goes upstream and nowhere else: it is never logged or stored.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from './httpProblems';
import { assertSameOrigin, corsHeaders, proxyTargets, targetOrigin } from './proxyPolicy';

export interface ProxyOptions {
  allow: readonly string[];
  bodyLimit: number;
  responseLimit: number;
  timeoutMs: number;
}

/** Request headers that go upstream; cookies, Origin, Referer and the browser's Sec-* headers stay here. */
const FORWARDED_REQUEST = ['authorization', 'content-type', 'accept', 'accept-language', 'prefer', 'cancel-after', 'user-agent'];
/** Response headers that come back; the body arrives decoded, so Content-Encoding and Content-Length do not. */
const FORWARDED_RESPONSE = ['content-type', 'retry-after', 'location', 'cache-control', 'etag', 'last-modified', 'x-request-id'];
const RATE_LIMIT_HEADER = /^(x-)?ratelimit-/;

/** The raw path after "/proxy/{host}", query included, not decoded (so %2F stays what the caller meant). */
function splitProxyPath(rawUrl: string): { host: string; rest: string } {
  const match = /^\/proxy\/([^/?#]+)(.*)$/s.exec(rawUrl);
  if (!match) throw new ProblemError('not_found', 404, 'Not found', 'expected /proxy/{host}/{path}');
  return { host: decodeURIComponent(match[1]), rest: match[2].startsWith('/') ? match[2] : `/${match[2]}` };
}

async function readLimited(response: Response, limit: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const tooLarge = () => new ProblemError('upstream_too_large', 502, 'Upstream answer too large', `The upstream answer is over the proxy's ${limit}-byte limit`);
  if (declared > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
    total += read.value.byteLength;
    if (total > limit) {
      await reader!.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}

export async function proxyRoutes(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  const targets = proxyTargets(options.allow);
  // Bodies pass through as bytes, whatever their type: nothing is parsed or rewritten.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => done(null, body));

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const { host, rest } = splitProxyPath(request.raw.url ?? request.url);
    const origin = targetOrigin(targets, host);
    assertSameOrigin(request);
    reply.headers(corsHeaders(request));
    if (request.method === 'OPTIONS') return reply.code(204).send();

    const target = new URL(`${origin}${rest}`);
    if (target.origin !== origin) throw new ProblemError('host_not_allowed', 403, 'Host not allowed', `The path leads off ${origin}`);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: request.method,
        headers,
        body: request.method === 'GET' || request.method === 'HEAD' || !request.body ? undefined : new Uint8Array(request.body as Buffer),
        redirect: 'manual',
        signal: timeout,
      });
    } catch (error) {
      if (timeout.aborted) throw new ProblemError('upstream_timeout', 504, 'Upstream timeout', `${origin} did not answer within ${options.timeoutMs / 1000} s`);
      throw new ProblemError('upstream_unreachable', 502, 'Upstream unreachable', `${origin} could not be reached (${(error as Error).message})`);
    }
    let body: Buffer;
    try {
      body = await readLimited(upstream, options.responseLimit);
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      throw new ProblemError('upstream_timeout', 504, 'Upstream timeout', `${origin}'s answer did not complete within ${options.timeoutMs / 1000} s`);
    }
    for (const [name, value] of upstream.headers) {
      if (FORWARDED_RESPONSE.includes(name) || RATE_LIMIT_HEADER.test(name)) reply.header(name, value);
    }
    return reply.code(upstream.status).send(body);
  };

  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/proxy/*', handler: forward });
}
