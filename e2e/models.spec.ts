// The Models panel against a real model server on another port (test/support/modelFileServer: Range, injected
// faults, a request log): add by URL, download with progress, cut and reload resumes, integrity failures, damaged
// stored chunks re-fetched, a full store, folder import, Delete, and the app offline with a stored model.
import { expect, test, type Page } from '@playwright/test';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelFileServer, type ModelFileServer } from '../test/support/modelFileServer';
import { MODELS_DIR } from '../test/tinyModel';
import { ModelsPanel } from './pages/ModelsPanel';
import { StudioPage } from './pages/StudioPage';

let root: string;
let server: ModelFileServer;
/** Its id in the weight store: added models are "custom-" plus their name. */
const FLAKY_ID = 'custom-flaky';
const VOCAB = '/flaky/tokenizer/vocab.json';

test.beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'models-e2e-'));
  await cp(join(MODELS_DIR, 'tiny-sd'), join(root, 'flaky'), { recursive: true });
  await cp(join(MODELS_DIR, 'tiny-sd-inpainting'), join(root, 'inpainter'), { recursive: true });
  await cp(join(MODELS_DIR, 'tiny-sd'), join(root, 'broken'), { recursive: true });
  await rm(join(root, 'broken', 'manifest.json'));
  await rm(join(root, 'broken', 'vae_decoder', 'model.onnx'));
  server = await startModelFileServer({ root });
});
test.afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
test.beforeEach(() => {
  server.clearFaults();
  server.clearLog();
});

const requestsFor = (path: string) => server.log.filter((entry) => entry.path === path && entry.method === 'GET');

async function open(page: Page) {
  const studio = new StudioPage(page);
  await studio.goto();
  return { studio, models: new ModelsPanel(page) };
}

async function addFlaky(models: ModelsPanel) {
  await models.add(`${server.url}/flaky/`);
  await expect(models.page.getByText(/^Added flaky: 14 files/)).toBeVisible();
}

async function generateSmall(studio: StudioPage, count: number) {
  await studio.fill({ Prompt: 'a lighthouse', Width: '64', Height: '64', Steps: '2' });
  await studio.generate();
  await studio.waitForResults(count);
}

test('downloads an added model with progress, runs it, and Delete frees its space', async ({ page }) => {
  const { studio, models } = await open(page);
  await addFlaky(models);
  await expect(models.entry('flaky')).toContainText('Not downloaded');
  server.setFault(VOCAB, { bytesPerSecond: 300_000 });
  await models.download('flaky');
  const bar = page.getByRole('progressbar', { name: 'flaky download' });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect(models.entry('flaky')).toContainText(/of 1\.\d MB · .*\/s/);
  await studio.screenshot('models-downloading');
  await models.waitStored('flaky');
  expect((await models.storedFile(FLAKY_ID, 'unet/model.onnx'))?.complete).toBe(true);

  await models.select('flaky');
  await generateSmall(studio, 1);
  await studio.screenshot('models-added-model-ran');

  const before = await models.usage();
  await page.getByRole('button', { name: 'Delete flaky' }).click();
  await expect(models.entry('flaky')).toHaveCount(0);
  expect(await models.storedKeys(FLAKY_ID)).toBe(0);
  await expect.poll(() => models.usage(), { timeout: 20_000 }).toBeLessThan(before - 1_000_000);
  // The demo runs again, still stored.
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue('tiny-sd');
});

test('after a cut connection, resumes with a Range request starting where the stored bytes end', async ({ page }) => {
  const { models } = await open(page);
  await addFlaky(models);
  // Throttled, as a real connection is, so what reaches the page is read as it arrives.
  server.setFault(VOCAB, { cutAt: 400_000, bytesPerSecond: 400_000 });
  await models.download('flaky');
  await models.waitStored('flaky');
  const [cut, resumed] = requestsFor(VOCAB);
  expect(cut).toMatchObject({ status: 200, bytesSent: 400_000 });
  expect(cut.range).toBeUndefined();
  const record = (await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))!;
  const resumedAt = resumed.start!;
  // Every byte that reached the page before the cut was stored (a chunk ends where the resumed request starts),
  // and only the rest was fetched again: at most what was still in flight inside the browser at the cut.
  expect(resumed).toMatchObject({ range: `bytes=${resumedAt}-`, status: 206 });
  expect(record.chunks.map((chunk) => chunk.offset + chunk.size)).toContain(resumedAt);
  expect(resumedAt).toBeLessThanOrEqual(400_000);
  expect(400_000 - resumedAt).toBeLessThan(64 * 1024);
  expect(requestsFor(VOCAB)).toHaveLength(2);
  expect(record.complete).toBe(true);
});

test('a reload in the middle of a download keeps what arrived; Resume fetches only the rest', async ({ page }) => {
  const { studio, models } = await open(page);
  await addFlaky(models);
  server.setFault(VOCAB, { bytesPerSecond: 120_000 });
  await models.download('flaky');
  // Stored every couple of seconds on a slow connection, so a reload loses at most that.
  await expect.poll(async () => (await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))?.chunks.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.reload();
  await studio.goto();
  await expect(models.entry('flaky')).toContainText('Paused');
  await studio.screenshot('models-paused-after-reload');
  const stored = (await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))!.chunks.reduce((sum, chunk) => sum + chunk.size, 0);
  expect(stored).toBeGreaterThan(0);
  server.clearFaults();
  server.clearLog();
  await models.entry('flaky').getByRole('button', { name: 'Resume' }).click();
  await models.waitStored('flaky');
  expect(requestsFor(VOCAB)).toEqual([expect.objectContaining({ range: `bytes=${stored}-`, status: 206, start: stored })]);
});

test('Pause keeps what arrived, Resume continues it, Cancel download drops it', async ({ page }) => {
  const { studio, models } = await open(page);
  await addFlaky(models);
  server.setFault(VOCAB, { bytesPerSecond: 150_000 });
  await models.download('flaky');
  await expect.poll(async () => (await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))?.chunks.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
  await models.entry('flaky').getByRole('button', { name: 'Pause' }).click();
  await expect(models.entry('flaky')).toContainText('Paused');
  await studio.screenshot('models-paused');
  const paused = (await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))!.chunks.reduce((sum, chunk) => sum + chunk.size, 0);
  server.clearLog();
  await models.entry('flaky').getByRole('button', { name: 'Resume' }).click();
  // Everything that arrived before the pause was stored: the resumed request starts right there.
  await expect.poll(() => requestsFor(VOCAB)[0]?.start).toBe(paused);
  expect(requestsFor(VOCAB)[0].range).toBe(`bytes=${paused}-`);
  await models.entry('flaky').getByRole('button', { name: 'Cancel download' }).click();
  await expect(models.entry('flaky')).toContainText('Not downloaded');
  expect((await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))?.chunks ?? []).toEqual([]);
  await expect(models.entry('flaky').getByRole('button', { name: 'Download flaky' })).toBeVisible();
});

test('a wrong byte fails the SHA-256 check: the file is not marked complete and the model is not offered', async ({ page }) => {
  const { studio, models } = await open(page);
  await addFlaky(models);
  server.setFault('/flaky/unet/model.onnx', { wrongByteAt: 1_000 });
  await models.download('flaky');
  await expect(models.entry('flaky').getByRole('alert')).toContainText('unet/model.onnx failed its SHA-256 integrity check');
  await expect(models.entry('flaky')).toContainText('Failed');
  await studio.screenshot('models-integrity-failed');
  expect((await models.storedFile(FLAKY_ID, 'unet/model.onnx'))?.complete).toBe(false);
  await expect(page.getByRole('combobox', { name: 'Model' }).getByRole('option', { name: 'flaky' })).toHaveCount(0);
});

test('a stored chunk corrupted in IndexedDB is found on load and fetched again by Range', async ({ page }) => {
  const { studio, models } = await open(page);
  await addFlaky(models);
  await models.download('flaky');
  await models.waitStored('flaky');
  await models.select('flaky');
  const record = (await models.storedFile(FLAKY_ID, 'text_encoder/model.onnx'))!;
  await models.corruptChunk(FLAKY_ID, 'text_encoder/model.onnx', 0);
  server.clearLog();

  await page.reload();
  await studio.goto();
  const { offset, size } = record.chunks[0];
  expect(requestsFor('/flaky/text_encoder/model.onnx')).toEqual([expect.objectContaining({ range: `bytes=${offset}-${offset + size - 1}`, status: 206 })]);
  const repaired = (await models.storedFile(FLAKY_ID, 'text_encoder/model.onnx'))!;
  expect(repaired.damaged ?? []).toEqual([]);
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(FLAKY_ID);
  await generateSmall(studio, 1);
});

/**
 * Chromium's own quota can't be lowered here (CDP's Storage.overrideQuotaForOrigin has no effect on these
 * profiles), so the page's storage reports and refuses as a full disk would: estimate() answers with the quota the
 * test sets, and IndexedDB puts of weight chunks throw QuotaExceededError once the test says the disk is full.
 */
function emulateStorageLimits(page: Page) {
  return page.addInitScript(() => {
    const scope = globalThis as unknown as { __quota?: number; __full?: boolean };
    const estimate = StorageManager.prototype.estimate;
    StorageManager.prototype.estimate = async function () {
      const real = await estimate.call(this);
      return scope.__quota === undefined ? real : { ...real, quota: scope.__quota };
    };
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value: unknown, key?: IDBValidKey) {
      if (scope.__full && value instanceof Blob && this.name === 'weights') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    };
  });
}

test('a full store stops with a clear error, keeping the other models and the history', async ({ page }) => {
  await emulateStorageLimits(page);
  const { studio, models } = await open(page);
  await generateSmall(studio, 1);
  await addFlaky(models);

  // Too little room before it starts: refused with the amount needed, nothing fetched.
  await page.evaluate(async () => ((globalThis as unknown as { __quota: number }).__quota = (await navigator.storage.estimate()).usage! + 100_000));
  await models.download('flaky');
  await expect(models.entry('flaky').getByRole('alert')).toContainText(/flaky needs 1\.\d MB of storage, but only 100 kB is free/);
  expect(requestsFor(VOCAB)).toHaveLength(0);

  // Room when it starts, full halfway: storing a chunk fails with QuotaExceededError.
  await page.evaluate(() => delete (globalThis as unknown as { __quota?: number }).__quota);
  server.setFault(VOCAB, { bytesPerSecond: 150_000 });
  await models.entry('flaky').getByRole('button', { name: 'Download flaky' }).click();
  await expect.poll(async () => (await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))?.chunks.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.evaluate(() => ((globalThis as unknown as { __full: boolean }).__full = true));
  await expect(models.entry('flaky').getByRole('alert')).toContainText("The browser's storage is full", { timeout: 20_000 });
  await expect(models.entry('flaky')).toContainText('Failed');
  await studio.screenshot('models-storage-full');

  await page.reload();
  await studio.goto();
  await expect(models.entry('Demo (random weights)')).toContainText('Stored');
  await studio.waitForResults(1);
  await generateSmall(studio, 2);
  // What arrived before the disk filled up is kept, so the download can resume once there is room.
  expect((await models.storedFile(FLAKY_ID, 'tokenizer/vocab.json'))!.chunks.length).toBeGreaterThan(0);
  await expect(models.entry('flaky').getByRole('button', { name: 'Resume' })).toBeVisible();
});

test('adds a Hugging Face repo by id: files, sizes and LFS SHA-256s from the Hub API, bytes from its resolve URLs', async ({ page }) => {
  // No network here: huggingface.co is played by the test server, through Playwright's routing.
  const manifest = JSON.parse(await readFile(join(root, 'flaky', 'manifest.json'), 'utf8')) as { files: Array<{ path: string; size: number; sha256: string }> };
  const tree = manifest.files.map((file) =>
    file.path.endsWith('.onnx') ? { type: 'file', path: file.path, size: 134, lfs: { oid: file.sha256, size: file.size } } : { type: 'file', path: file.path, size: file.size },
  );
  const hubRequests: string[] = [];
  await page.route(
    (url) => url.hostname === 'huggingface.co',
    async (route) => {
      const url = new URL(route.request().url());
      hubRequests.push(`${url.pathname}${url.search} ${route.request().headers().range ?? ''}`.trim());
      if (url.pathname === '/api/models/test-org/tiny-sd/tree/main') return route.fulfill({ json: tree, headers: { 'Access-Control-Allow-Origin': '*' } });
      const path = url.pathname.split('/resolve/main/')[1];
      return route.fulfill({ response: await route.fetch({ url: `${server.url}/flaky/${path}` }) });
    },
  );
  const { studio, models } = await open(page);
  await models.add('test-org/tiny-sd');
  await expect(page.getByText(/^Added test-org\/tiny-sd: 14 files/)).toBeVisible();
  await expect(models.entry('test-org/tiny-sd')).toContainText('huggingface.co/test-org/tiny-sd @ main');
  await models.download('test-org/tiny-sd');
  await models.waitStored('test-org/tiny-sd');
  expect(hubRequests[0]).toBe('/api/models/test-org/tiny-sd/tree/main?recursive=true');
  expect(hubRequests).toContain('/test-org/tiny-sd/resolve/main/unet/model.onnx');
  await models.select('test-org/tiny-sd');
  await generateSmall(studio, 1);
});

test('adding a folder with a missing component says exactly what is missing, before any download', async ({ page }) => {
  const { studio, models } = await open(page);
  await models.add(`${server.url}/broken/`);
  await expect(page.getByRole('alert').filter({ hasText: "broken can't be used" })).toContainText('missing vae_decoder/model.onnx (the VAE decoder)');
  await studio.screenshot('models-add-missing-component');
  await expect(models.entry('broken')).toHaveCount(0);
  expect(server.log.filter((entry) => entry.method === 'GET' && entry.path.endsWith('.onnx') && entry.range === undefined)).toHaveLength(0);
});

test('an inpainting model offers only the Inpainting tab', async ({ page }) => {
  const { studio, models } = await open(page);
  await models.add(`${server.url}/inpainter/`);
  await models.download('inpainter');
  await models.waitStored('inpainter');
  await models.select('inpainter');
  await expect(page.getByRole('tab')).toHaveText(['Inpainting', 'PNG Info']);
  await studio.screenshot('models-inpainting-only');
});

test('imports a model folder from disk into the store, and runs it', async ({ page }) => {
  const { studio, models } = await open(page);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import folder' }).click()]);
  await chooser.setFiles(join(root, 'flaky'));
  await models.waitStored('flaky');
  await models.select('flaky');
  await generateSmall(studio, 1);
  expect(server.log).toHaveLength(0);
});

test('offline after one visit: the app loads cross-origin isolated and generates with the stored model', async ({ page, context }) => {
  const { studio } = await open(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await studio.goto();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await studio.goto();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await generateSmall(studio, 1);
  await studio.screenshot('models-offline-generated');
  await context.setOffline(false);
});
