// End-to-end tests: the real app in Chromium, driven as a user would. Uses Debian's Chromium when present
// (Playwright cannot download its own browser here) and Playwright's bundled one otherwise.
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** The port the e2e build is served on; E2E_PORT changes it (the app's own port is set with npm start -- --port). */
const PORT = Number(process.env.E2E_PORT ?? 5174);
const HARNESS_CONFIG = 'e2e/harness/vite.config.ts';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined,
      // Headless as root on a closed network: no sandbox, no background connections; WebGPU through SwiftShader.
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--enable-unsafe-webgpu',
      ],
    },
  },
  webServer: {
    // A production build served by `vite preview`: what users get (the dev server behaves differently with workers).
    // The harness config is the app's config plus one test-only page (e2e/harness/engine.html), built to dist-e2e/;
    // the tiny models it serves are generated first (skipped when up to date).
    command: `node_modules/.bin/tsx scripts/generateTinyModels.ts && node_modules/.bin/tsx scripts/generateTinyModels.ts --test && node_modules/.bin/vite build --config ${HARNESS_CONFIG} --logLevel warn && node_modules/.bin/vite preview --config ${HARNESS_CONFIG} --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    timeout: 180_000,
    // Always a fresh server: one already listening on the port may serve another build (or another project).
    reuseExistingServer: false,
  },
});
