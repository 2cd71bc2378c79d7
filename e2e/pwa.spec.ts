// The installable app and its offline shell, on the production build: Chromium's installability check, the
// manifest's icons, the app starting offline from the service worker (still cross-origin isolated, onnxruntime's
// wasm served), and a precache that holds no model weights.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioPage } from './pages/StudioPage';

const OFFLINE_NOTE = 'SD Studio works offline now.';
const UPDATE_NOTICE = 'A new version of SD Studio is available.';
/** The service worker in the build that playwright.config.ts serves. */
const BUILT_WORKER = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-e2e', 'sw.js');

/**
 * Waits until the service worker has precached the shell and controls the page. Prompt mode does not claim the
 * page that registered the first worker, so that page is reloaded once.
 */
async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Every request URL in the page's Cache Storage, by cache name. */
function cachedUrls(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const byCache: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      byCache[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
    }
    return byCache;
  });
}

/** Width and height from a PNG's IHDR chunk (bytes 16..23, after the signature and the chunk's length and type). */
function pngSize(bytes: Buffer): string {
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test('Chromium finds the app installable, and the manifest icons are PNGs of their stated sizes', async ({ playwright, browserName, launchOptions, baseURL, viewport }) => {
  // Chromium never installs from an incognito profile (Playwright's usual context is one: the only error it reports
  // is "in-incognito"), so this test runs in a persistent profile of its own.
  const profile = mkdtempSync(join(tmpdir(), 'sd-studio-pwa-'));
  const context = await playwright[browserName].launchPersistentContext(profile, { ...launchOptions, baseURL, viewport });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await checkInstallable(context, page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

async function checkInstallable(context: BrowserContext, page: Page): Promise<void> {
  const studio = new StudioPage(page);
  await studio.goto();
  await waitForServiceWorkerControl(page);

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);

  const manifestUrl = new URL((await page.locator('link[rel="manifest"]').getAttribute('href'))!, page.url());
  const manifest = await (await page.request.get(manifestUrl.href)).json();
  expect(manifest).toMatchObject({ name: 'SD Studio', short_name: 'SD Studio', display: 'standalone' });
  const icons: Array<{ src: string; sizes: string; type: string; purpose?: string }> = manifest.icons;
  expect(icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`).sort()).toEqual([
    '192x192 any',
    '512x512 any',
    '512x512 maskable',
  ]);
  for (const icon of icons) {
    const response = await page.request.get(new URL(icon.src, manifestUrl).href);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type'], icon.src).toBe('image/png');
    expect(pngSize(await response.body()), icon.src).toBe(icon.sizes);
  }
  await studio.screenshot('pwa-installable');
}

test('offline, the service worker starts the app cross-origin isolated, with onnxruntime-web wasm', async ({ page, context }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  // The first install tells the user once; the note can be dismissed.
  await expect(page.getByText(OFFLINE_NOTE)).toBeVisible();
  await studio.screenshot('pwa-offline-ready');
  const header = page.getByRole('banner');
  const heightWithNote = (await header.boundingBox())!.height;
  await page.getByRole('button', { name: 'Dismiss the offline notice' }).click();
  await expect(page.getByText(OFFLINE_NOTE)).toBeHidden();
  // The note fits in the header: showing or hiding it does not move the page.
  expect((await header.boundingBox())!.height).toBe(heightWithNote);
  await waitForServiceWorkerControl(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'SD Studio', level: 1 })).toBeVisible();
  // Threaded WASM needs isolation; it holds because the precached index.html kept its COOP/COEP headers.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const shell = await page.evaluate(async () => {
    const response = await fetch('/');
    return { coop: response.headers.get('cross-origin-opener-policy'), coep: response.headers.get('cross-origin-embedder-policy') };
  });
  expect(shell).toEqual({ coop: 'same-origin', coep: 'require-corp' });

  const wasmUrls = Object.values(await cachedUrls(page)).flat().filter((url) => new URL(url).pathname.endsWith('.wasm'));
  expect(wasmUrls).toHaveLength(1);
  const wasm = await page.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type'), bytes: (await response.arrayBuffer()).byteLength };
  }, wasmUrls[0]);
  expect(wasm.status).toBe(200);
  expect(wasm.type).toBe('application/wasm');
  expect(wasm.bytes).toBeGreaterThan(1024 * 1024);
  await studio.screenshot('pwa-offline');

  // The navigation fallback leaves the e2e harness page alone: offline it comes from its own precache entry.
  await page.goto('/e2e/harness/engine.html');
  await expect(page).toHaveTitle('Engine harness');
});

test('the precache holds the shell but no model weights; the only other cache holds the onnxruntime wasm this device uses', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await waitForServiceWorkerControl(page);

  await expect.poll(async () => Object.keys(await cachedUrls(page)).sort()).toEqual(['sd-studio-engine', expect.stringMatching(/^workbox-precache/)]);
  const byCache = await cachedUrls(page);
  const engineFiles = byCache['sd-studio-engine'].map((url) => new URL(url).pathname);
  expect(engineFiles).toEqual([expect.stringMatching(/^\/assets\/ort-wasm-simd-threaded-[^.]*\.wasm$/)]);
  const precache = Object.entries(byCache).find(([name]) => name.startsWith('workbox-precache'))![1];
  expect(precache.filter((url) => url.endsWith('.wasm'))).toEqual([]);
  const paths = Object.values(byCache).flat().map((url) => new URL(url).pathname);
  expect(paths).toEqual(expect.arrayContaining(['/index.html', '/favicon.svg', '/icons/icon-512.png']));
  expect(paths.filter((path) => path.includes('/models/') || /\.(onnx|onnx_data|pb)$/.test(path))).toEqual([]);
});

test('a new version waits for the user: Later puts it off, Reload to update switches to it', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await waitForServiceWorkerControl(page);

  // A new deployment: the served worker script changes. Routing cannot stand in for it (Chromium fetches a worker
  // update outside the page, and neither context.route nor CDP Fetch sees that request), so the built file is
  // edited and put back; `vite preview` reads files on each request.
  const original = readFileSync(BUILT_WORKER, 'utf8');
  writeFileSync(BUILT_WORKER, `${original}\n// the next version\n`);
  try {
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await checkUpdatePrompt(studio);
  } finally {
    writeFileSync(BUILT_WORKER, original);
  }
});

async function checkUpdatePrompt(studio: StudioPage): Promise<void> {
  const { page } = studio;
  const banner = page.getByRole('status').filter({ hasText: UPDATE_NOTICE });
  await expect(banner).toBeVisible();
  await studio.screenshot('pwa-update-available');

  await banner.getByRole('button', { name: 'Later' }).click();
  await expect(banner).toBeHidden();
  // The new version still waits: the next visit asks again.
  await page.reload();
  await expect(banner).toBeVisible();

  await page.evaluate(() => ((window as { beforeUpdate?: boolean }).beforeUpdate = true));
  await banner.getByRole('button', { name: 'Reload to update' }).click();
  await page.waitForFunction(() => !(window as { beforeUpdate?: boolean }).beforeUpdate);
  await expect(page.getByRole('heading', { name: 'SD Studio', level: 1 })).toBeVisible();
  await expect(banner).toBeHidden();
  // The worker that was waiting now controls the page: nothing waits any more.
  const after = await page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.getRegistration())!;
    return { waiting: registration.waiting !== null, controlled: navigator.serviceWorker.controller !== null };
  });
  expect(after).toEqual({ waiting: false, controlled: true });
}
