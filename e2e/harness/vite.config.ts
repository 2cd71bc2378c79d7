// The app's Vite config plus one test-only page, e2e/harness/engine.html, which drives LocalGenerator and the
// engine worker directly. Built into dist-e2e/ for Playwright; `npm run build` (dist/) never contains it.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import appConfig from '../../vite.config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default mergeConfig(
  appConfig,
  defineConfig({
    root,
    build: {
      outDir: 'dist-e2e',
      rolldownOptions: { input: { app: `${root}index.html`, engineHarness: `${root}e2e/harness/engine.html` } },
    },
  }),
);
