// The production build with the test-only pages (e2e/harness/vite.config.ts) served by `vite preview` for the
// browser benchmarks, and Chromium launched as the e2e tests launch it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

const HARNESS_CONFIG = 'e2e/harness/vite.config.ts';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

export async function startHarness(port: number): Promise<{ origin: string; server: ChildProcess; browser: Browser }> {
  execFileSync('node_modules/.bin/tsx', ['scripts/generateTinyModels.ts'], { stdio: 'inherit' });
  execFileSync('node_modules/.bin/tsx', ['scripts/generateTinyModels.ts', '--test'], { stdio: 'inherit' });
  execFileSync('node_modules/.bin/vite', ['build', '--config', HARNESS_CONFIG, '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn('node_modules/.bin/vite', ['preview', '--config', HARNESS_CONFIG, '--port', String(port), '--strictPort'], { stdio: 'ignore' });
  const origin = `http://localhost:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(origin)).ok) break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const browser = await chromium.launch({ executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined, args: CHROMIUM_ARGS });
  return { origin, server, browser };
}
