// Serves the built app (dist/): content-hashed files under /assets/ cached for a year as immutable, everything else
// (index.html, sw.js, the manifest, /models/… the demo model the app copies into IndexedDB) revalidated on every
// use; navigations to app routes fall back to index.html; unknown API paths get a JSON 404.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, sendProblem } from './httpProblems';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/** Vite puts every content-hashed build output under assets/; nothing else in dist/ has a hash in its name. */
export function cacheControlFor(pathInRoot: string): string {
  return pathInRoot.split(sep).join('/').startsWith('assets/') ? IMMUTABLE : REVALIDATE;
}

/** Paths that are files or API routes, never app pages: a miss there is a real 404, not the app. */
const NOT_APP_ROUTES = ['/v1/', '/proxy/', '/assets/', '/models/'];

function isAppNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0];
  if (NOT_APP_ROUTES.some((prefix) => path.startsWith(prefix))) return false;
  return request.headers['sec-fetch-mode'] === 'navigate' || (request.headers.accept ?? '').includes('text/html');
}

export async function staticFiles(app: FastifyInstance, options: { root: string }): Promise<void> {
  const hasApp = existsSync(join(options.root, 'index.html'));
  if (!hasApp) app.log.warn(`no built app in ${options.root} (run npm run build): only the API and the proxy are served`);
  else {
    await app.register(fastifyStatic, {
      root: options.root,
      cacheControl: false,
      // build-time .br/.gz siblings are sent when present; otherwise @fastify/compress compresses on the fly.
      preCompressed: true,
      setHeaders: (response, path) => response.setHeader('Cache-Control', cacheControlFor(relative(options.root, path))),
    });
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    if (hasApp && isAppNavigation(request)) return reply.sendFile('index.html');
    const path = request.url.split('?')[0];
    return sendProblem(reply, new ProblemError('not_found', 404, 'Not found', `Nothing at ${request.method} ${path}`));
  });
}
