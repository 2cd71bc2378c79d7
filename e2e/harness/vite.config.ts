// The app's Vite config plus one test-only page, e2e/harness/engine.html, which drives LocalGenerator and the
// engine worker directly, and the tests' model variants (test/models/) served under /models/. Built into
// dist-e2e/ for Playwright; `npm run build` (dist/) never contains either.
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type Plugin } from 'vite';
import appConfig from '../../vite.config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const testModels = join(root, 'test', 'models');
const TYPES: Record<string, string> = { '.json': 'application/json', '.txt': 'text/plain' };

/** Serves test/models/<variant>/... at /models/<variant>/... in `vite preview` (the demo model comes from public/). */
function serveTestModels(): Plugin {
  return {
    name: 'serve-test-models',
    configurePreviewServer(server) {
      server.middlewares.use('/models', (request, response, next) => {
        const path = normalize(join(testModels, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
        let size: number;
        try {
          if (!path.startsWith(testModels)) throw new Error('outside test/models');
          const stats = statSync(path);
          if (!stats.isFile()) throw new Error('not a file');
          size = stats.size;
        } catch {
          next();
          return;
        }
        response.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
        response.setHeader('Content-Length', size);
        response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        if (request.method === 'HEAD') response.end();
        else createReadStream(path).pipe(response);
      });
    },
  };
}

export default mergeConfig(
  appConfig,
  defineConfig({
    root,
    plugins: [serveTestModels()],
    build: {
      outDir: 'dist-e2e',
      rolldownOptions: { input: { app: `${root}index.html`, engineHarness: `${root}e2e/harness/engine.html`, overheadBench: `${root}e2e/harness/overhead.html` } },
    },
  }),
);
