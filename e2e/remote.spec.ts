// The remote fallback end to end: the app served by our own server (what npm start runs), its local engine made
// unavailable; Auto asks once, then sends the job to the server's Replicate-compatible API; the result lands in
// the history marked remote; cancel works remotely; the token goes only to the configured base URL.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../server/testing/testServer';
import { StudioPage } from './pages/StudioPage';

const TOKEN = 'e2e-secret-token-7d1f';
/** The e2e build (Playwright's web server builds it first): the same app as dist/, plus a test page. */
const DIST = fileURLToPath(new URL('../dist-e2e', import.meta.url));

let server: TestServer;

test.beforeAll(async () => {
  server = await startTestServer({ staticDir: DIST, token: TOKEN });
});
test.afterAll(async () => {
  await server?.close();
});

// No service worker: it would fetch onnxruntime's wasm itself, past the route that makes the local engine fail.
test.use({ serviceWorkers: 'block' });

async function openWithoutLocalEngine(page: Page) {
  // onnxruntime's wasm can't load: the device can't run anything locally, as on a browser without WebAssembly SIMD.
  await page.route('**/*.wasm', (route) => route.abort());
  await page.goto(server.url);
  await expect(page.getByRole('status').filter({ hasText: 'Backend unavailable' })).toBeVisible({ timeout: 60_000 });
  const studio = new StudioPage(page);
  await page.locator('summary', { hasText: 'Remote API' }).click();
  await studio.field('Remote API').selectOption({ label: 'Replicate' });
  await studio.field('Base URL').fill(server.url);
  await studio.field('API token').fill(TOKEN);
  return studio;
}

test('Auto asks once, then runs the job on the remote API; the result is marked remote; cancel works remotely; the token goes only to the base URL', async ({ page }) => {
  const withToken: string[] = [];
  const urls: string[] = [];
  page.on('request', (request) => {
    urls.push(request.url());
    if (Object.values(request.headers()).some((value) => value.includes(TOKEN))) withToken.push(request.url());
  });
  const studio = await openWithoutLocalEngine(page);
  await studio.fill({ Prompt: 'a remote (lighthouse:1.3)', Width: '64', Height: '64', Steps: '2' });
  // Local-only options: the remote API gets the prompt text as typed, so its PNG must not claim them.
  await page.getByLabel(/A1111 prompt syntax/).check();
  await studio.generate();

  const dialog = page.getByRole('dialog', { name: 'Run on Replicate?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("The local engine can't run it");
  await studio.screenshot('remote-consent');
  await dialog.getByRole('button', { name: 'Send to Replicate' }).click();
  const result = await studio.waitForResults(1);
  await expect(result).toContainText('remote · Replicate');
  await expect(result).toContainText('a remote (lighthouse:1.3)');
  await studio.screenshot('remote-result');
  const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('link', { name: 'Download PNG' }).click()]);
  const parameters = (await readFile((await download.path())!)).toString('latin1');
  expect(parameters).toContain('a remote (lighthouse:1.3)');
  expect(parameters).not.toContain('Emphasis');

  // Asked once: the next job goes straight to the remote API. Cancel stops it there.
  await studio.fill({ Prompt: 'a long remote run', Width: '1024', Height: '1024', Steps: '500', 'Number of outputs': '4' });
  await studio.generate();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toBeVisible();
  await expect.poll(async () => (await (await fetch(`${server.url}/v1/predictions`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()).results[0]?.status, { timeout: 30_000 }).toBe('processing');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await studio.waitForResults(2, 'Canceled');
  const listed = (await (await fetch(`${server.url}/v1/predictions`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { results: Array<{ status: string; input: { prompt: string } }> };
  expect(listed.results.map((p) => [p.input.prompt, p.status])).toEqual([
    ['a long remote run', 'canceled'],
    ['a remote (lighthouse:1.3)', 'succeeded'],
  ]);

  // The token travelled only to the configured base, in a header, never in a URL, the settings or the history.
  expect(withToken.length).toBeGreaterThan(0);
  expect(withToken.every((url) => url.startsWith(`${server.url}/v1/`))).toBe(true);
  expect(urls.some((url) => url.includes(TOKEN))).toBe(false);
  expect(await page.evaluate(() => localStorage.getItem('sd-studio-settings') ?? '')).not.toContain(TOKEN);
  await page.getByRole('button', { name: 'Clear token' }).click();
  await expect(studio.field('API token')).toHaveValue('');
  expect(await page.evaluate(() => Object.values(localStorage).join(' '))).not.toContain(TOKEN);
});
