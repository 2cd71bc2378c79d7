// Model-store benchmark (Chromium, production build) on one big model file (500 MB; 50 MB with --quick): download
// into the IndexedDB weight store through the Models panel, read-back speed with and without SHA-256, the
// renderer's peak memory while the worker loads it into onnxruntime, and the bytes fetched twice after a cut.
// Usage: npm run bench:store [-- --quick]. Writes bench-results/model-store.json (--quick: model-store-quick.json).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { ModelsPanel } from '../e2e/pages/ModelsPanel';
import { StudioPage } from '../e2e/pages/StudioPage';
import { startModelFileServer, type LoggedRequest, type ModelFileServer } from '../test/support/modelFileServer';
import {
  BIG_FILE,
  installPageProbe,
  procStatus,
  readPageProbe,
  RssSampler,
  watchLastBytes,
  watchStored,
  WorkerHeapProbe,
  writeBigModel,
  type HeapUsage,
  type ProbeWindow,
  type RssSample,
} from './benchModelStoreFixture';

const QUICK = process.argv.includes('--quick');
const FILE_BYTES = QUICK ? 50_000_000 : 500_000_000;
const MODEL = `big-${FILE_BYTES / 1e6}mb`;
const CUT_MODEL = `${MODEL}-cut`;
const MB = 1e6;
const RESULTS = join('bench-results', QUICK ? 'model-store-quick.json' : 'model-store.json');
const HARNESS_CONFIG = 'e2e/harness/vite.config.ts';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];
const STEP_TIMEOUT_MS = QUICK ? 120_000 : 600_000;
const WATCHDOG_MS = QUICK ? 10 * 60_000 : 45 * 60_000;
const RSS_EVERY_MS = 50;
const HEAP_EVERY_MS = 100;
const POST_LOAD_MS = 5000;
/** V8 frees ArrayBuffer contents on a background thread after a GC: give it time before reading RSS. */
const AFTER_GC_MS = 2000;
const BACKEND_BADGE = /WASM|WebGPU/;
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const mbps = (bytes: number, ms: number) => round(bytes / MB / (ms / 1000));

// ---- The app and the browser -----------------------------------------------------------------------------------

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 50; port++) {
    const free = await new Promise<boolean>((answer) => {
      const probe = createServer().once('error', () => answer(false));
      probe.listen(port, 'localhost', () => probe.close(() => answer(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}..${from + 49}`);
}

/** As scripts/benchBrowser.ts: the e2e harness build (the app plus the test models) served by `vite preview`. */
async function startPreview(port: number): Promise<ChildProcess> {
  execFileSync('node_modules/.bin/tsx', ['scripts/generateTinyModels.ts'], { stdio: 'inherit' });
  execFileSync('node_modules/.bin/tsx', ['scripts/generateTinyModels.ts', '--test'], { stdio: 'inherit' });
  execFileSync('node_modules/.bin/vite', ['build', '--config', HARNESS_CONFIG, '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn('node_modules/.bin/vite', ['preview', '--config', HARNESS_CONFIG, '--port', String(port), '--strictPort'], { stdio: 'ignore' });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://localhost:${port}`)).ok) return server;
    } catch {
      await sleep(100);
    }
  }
  server.kill();
  throw new Error('vite preview did not start');
}

async function openStudio(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('status').filter({ hasText: BACKEND_BADGE })).toBeVisible({ timeout: 60_000 });
}

// ---- 1 and 4: downloads ------------------------------------------------------------------------------------------

/** Adds the model by URL and downloads it as a user does; times it in the page and in the server's log. */
async function addAndDownload(page: Page, server: ModelFileServer, name: string, fault?: { cutAt: number }) {
  const models = new ModelsPanel(page);
  await models.add(`${server.url}/${name}/`);
  await expect(page.getByText(new RegExp(`^Added ${name}: \\d+ files`))).toBeVisible({ timeout: 60_000 });
  if (fault) server.setFault(`/${name}/${BIG_FILE}`, fault);
  server.clearLog();
  await watchStored(page, name);
  const bytes = watchLastBytes(server);
  try {
    await models.download(name);
    await expect(models.entry(name).getByText(/^(Stored|Failed)$/)).toBeVisible({ timeout: STEP_TIMEOUT_MS });
  } finally {
    bytes.stop();
  }
  if (await models.entry(name).getByText('Failed', { exact: true }).isVisible()) throw new Error(`${name}: ${await models.entry(name).getByRole('alert').textContent()}`);
  const { lastClickAt, storedAt } = await readPageProbe(page);
  const modelId = (await page.getByRole('combobox', { name: 'Model' }).locator('option').filter({ hasText: new RegExp(`^${name}$`) }).getAttribute('value'))!;
  const record = await models.storedFile(modelId, BIG_FILE);
  if (!record?.complete) throw new Error(`${name}: ${BIG_FILE} is not complete in the weight store`);
  const requests = server.log.filter((entry) => entry.method === 'GET');
  const big = requests.filter((entry) => entry.path === `/${name}/${BIG_FILE}`);
  const lastByte = (entries: LoggedRequest[]) => Math.max(...entries.map((entry) => bytes.lastByteAt.get(entry) ?? entry.at));
  const firstRequest = Math.min(...requests.map((entry) => entry.at));
  const resumed = big[1]?.start;
  return {
    modelId,
    chunks: record.chunks.length,
    modelBytes: requests.reduce((sum, entry) => sum + entry.bytesSent, 0),
    clickToStoredMs: round(storedAt[name] - lastClickAt),
    clickToFirstRequestMs: round(firstRequest - lastClickAt),
    /** As the server saw it: the first request arriving → the last byte handed to the OS; the model, the big file. */
    serverModelMs: lastByte(requests) - firstRequest,
    serverBigFileMs: lastByte(big) - big[0].at,
    lastByteToStoredMs: round(storedAt[name] - lastByte(requests)),
    /** After a cut: whether the resumed Range starts exactly where a stored chunk ends (nothing received was lost by the app). */
    resumedWhereStoredEnds: resumed === undefined ? null : record.chunks.some((chunk) => chunk.offset + chunk.size === resumed),
    big: big.map((entry) => ({ range: entry.range, status: entry.status, start: entry.start, bytesSent: entry.bytesSent, at: entry.at, lastByteAt: bytes.lastByteAt.get(entry) })),
  };
}

// ---- 2: read-back ------------------------------------------------------------------------------------------------

/** Reads every chunk Blob of the file from IndexedDB (one readonly transaction each, as idb-keyval does). */
function readBack(page: Page, modelId: string, hash: 'none' | 'webcrypto' | 'hash-wasm') {
  return page.evaluate(async ({ modelId, path, hash }) => {
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const database = await request(indexedDB.open('sd-studio-weights'));
    const get = <T>(key: IDBValidKey) => request(database.transaction('weights').objectStore('weights').get(key) as IDBRequest<T>);
    const record = (await get<{ chunks: Array<{ size: number; sha256: string }> }>(['file', modelId, path]))!;
    type Hasher = { init(): { update(bytes: Uint8Array): { digest(format: 'hex'): string } } };
    const hasher = hash === 'hash-wasm' ? await (globalThis as unknown as { hashwasm: { createSHA256(): Promise<Hasher> } }).hashwasm.createSHA256() : null;
    const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    let bytes = 0;
    let mismatches = 0;
    const started = performance.now();
    for (let index = 0; index < record.chunks.length; index++) {
      const buffer = await (await get<Blob>(['chunk', modelId, path, index])).arrayBuffer();
      bytes += buffer.byteLength;
      let digest: string | undefined;
      if (hash === 'webcrypto') digest = hex(await crypto.subtle.digest('SHA-256', buffer));
      if (hasher) digest = hasher.init().update(new Uint8Array(buffer)).digest('hex');
      if (digest !== undefined && digest !== record.chunks[index].sha256) mismatches++;
    }
    const ms = performance.now() - started;
    database.close();
    return { ms, bytes, mismatches };
  }, { modelId, path: BIG_FILE, hash });
}

async function readBackFigures(page: Page, modelId: string) {
  // hash-wasm's own build, the hasher the app uses (bundled there, so not reachable from the page's globals).
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('hash-wasm/dist/sha256.umd.min.js') });
  const modes = { raw: 'none', webcryptoSha256: 'webcrypto', hashWasmSha256: 'hash-wasm' } as const;
  const runs = { raw: [] as number[], webcryptoSha256: [] as number[], hashWasmSha256: [] as number[] };
  // Rounds of one pass each, so a busy moment of the machine spreads over the three rather than hitting one.
  for (let i = 0; i < 3; i++) {
    for (const [name, hash] of Object.entries(modes) as Array<[keyof typeof modes, (typeof modes)[keyof typeof modes]]>) {
      const pass = await readBack(page, modelId, hash);
      if (pass.bytes !== FILE_BYTES || pass.mismatches > 0) throw new Error(`read-back (${hash}): ${pass.bytes} bytes, ${pass.mismatches} chunks with another SHA-256`);
      runs[name].push(pass.ms);
    }
  }
  const figure = (ms: number[]) => ({ medianMs: round(median(ms)), MBps: mbps(FILE_BYTES, median(ms)), runsMs: ms.map((m) => round(m)) });
  return { raw: figure(runs.raw), webcryptoSha256: figure(runs.webcryptoSha256), hashWasmSha256: figure(runs.hashWasmSha256) };
}

// ---- 3: memory while loading -------------------------------------------------------------------------------------

/**
 * Selects the model and samples memory: a settled second before, the load, and POST_LOAD_MS after the worker's
 * answer. The peak "while loading" ends at the answer; what comes after it is reported apart.
 */
async function loadWithMemory(context: BrowserContext, page: Page, name: string) {
  const rss = new RssSampler();
  let heap: WorkerHeapProbe | undefined;
  try {
    rss.start(RSS_EVERY_MS);
    heap = await WorkerHeapProbe.attach(context, page);
    await heap.collectGarbage(); // no garbage of the start-up in the baseline
    const settled = await rss.settle(3000, 8 * MB, 60_000);
    heap.startSampling(HEAP_EVERY_MS);
    await sleep(1000);
    rss.resetHighWaterMarks();
    const selectAt = Date.now();
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: name });
    const answered = await page.waitForFunction(
      (since) => {
        const events = (globalThis as unknown as ProbeWindow).__probe.engine;
        const load = events.find((e) => e.type === 'load' && e.at >= since);
        const answer = load && events.find((e) => e.jobId === load.jobId && (e.type === 'loaded' || e.type === 'error'));
        return answer ? { load, answer } : null;
      },
      selectAt - 50,
      { timeout: STEP_TIMEOUT_MS, polling: 100 },
    );
    // Read at once: VmHWM then covers the load and the ~100 ms it took to see the answer, little of what follows.
    const highWaterMarks = new Map([...rss.roles.keys()].map((pid) => [pid, rss.highWaterMark(pid)]));
    const { load, answer } = (await answered.jsonValue())!;
    if (answer.type === 'error') throw new Error(`loading ${name} failed: ${answer.detail}`);
    await sleep(POST_LOAD_MS);
    rss.stop();
    heap.stopSampling();
    const { lastChangeAt } = await readPageProbe(page);
    await heap.collectGarbage();
    await sleep(AFTER_GC_MS);
    const heapAfterGc = await heap.heapUsage(10_000);
    return {
      modelId: load.modelId!,
      backend: answer.detail ?? '?',
      selectToLoadedMs: round(answer.at - lastChangeAt),
      workerLoadMs: round(answer.at - load.at),
      baselineSettled: settled,
      ...summariseMemory(rss, highWaterMarks, heap.samples, heapAfterGc, selectAt, answer.at),
    };
  } finally {
    rss.stop();
    await heap?.detach();
  }
}

/** Per process: baseline (median of the second before select), peak while loading, after; the worker's heap. */
function summariseMemory(rss: RssSampler, highWaterMarks: Map<number, number | null>, heapSamples: HeapUsage[], heapAfterGc: HeapUsage | null, selectAt: number, loadedAt: number) {
  const before = rss.samples.filter((s) => s.at >= selectAt - 1000 && s.at < selectAt);
  const loading = rss.samples.filter((s) => s.at >= selectAt && s.at <= loadedAt);
  const after = rss.samples.filter((s) => s.at > loadedAt);
  const at = (s: RssSample, pid: number) => s.rss.get(pid) ?? 0;
  const processes = [...rss.roles].map(([pid, role]) => {
    const baseline = median(before.map((s) => at(s, pid)));
    const peak = Math.max(...loading.map((s) => at(s, pid)), highWaterMarks.get(pid) ?? 0);
    return {
      pid,
      role,
      baselineMB: round(baseline / MB),
      peakMB: round(peak / MB),
      increaseMB: round((peak - baseline) / MB),
      afterLoadPeakMB: round(Math.max(...after.map((s) => at(s, pid))) / MB),
      afterLoadEndMB: round(at(after.at(-1)!, pid) / MB),
    };
  });
  const renderer = processes.filter((p) => p.role === 'renderer').reduce((a, b) => (b.increaseMB > a.increaseMB ? b : a));
  const rendererAfterGc = (procStatus(renderer.pid)?.VmRSS ?? 0) / MB;
  const total = (s: RssSample) => [...s.rss.values()].reduce((sum, bytes) => sum + bytes, 0);
  const heapMB = (h: HeapUsage | null | undefined) => (h ? { usedMB: round(h.usedSize / MB), arrayBuffersMB: round(h.backingStorageSize / MB) } : null);
  const heapLoading = heapSamples.filter((h) => h.at >= selectAt && h.at <= loadedAt);
  const shown = <T extends { at: number }>(samples: T[]) => samples.filter((x) => x.at >= selectAt - 1000);
  return {
    highWaterMarks: highWaterMarks.get(renderer.pid) !== null,
    renderer: { ...renderer, xFile: round(renderer.increaseMB / (FILE_BYTES / MB), 2), afterGcMB: round(rendererAfterGc), keptAfterGcMB: round(rendererAfterGc - renderer.baselineMB) },
    allChromiumIncreaseMB: round((Math.max(...loading.map(total)) - median(before.map(total))) / MB),
    processes,
    workerHeap: {
      before: heapMB(heapSamples.filter((h) => h.at < selectAt).at(-1)),
      peakWhileLoading: { usedMB: round(Math.max(0, ...heapLoading.map((h) => h.usedSize)) / MB), arrayBuffersMB: round(Math.max(0, ...heapLoading.map((h) => h.backingStorageSize)) / MB) },
      samplesWhileLoading: heapLoading.length,
      afterGc: heapMB(heapAfterGc),
    },
    /** [ms since select, renderer RSS MB], and [ms since select, worker JS MB, worker ArrayBuffers MB]. */
    rendererTimeline: shown(rss.samples).map((s) => [s.at - selectAt, round(at(s, renderer.pid) / MB)]),
    workerHeapTimeline: shown(heapSamples).map((h) => [h.at - selectAt, round(h.usedSize / MB), round(h.backingStorageSize / MB)]),
  };
}

async function generateOne(page: Page, modelId: string): Promise<number> {
  const studio = new StudioPage(page);
  await studio.fill({ Prompt: 'x', Width: '64', Height: '64', Steps: '1' });
  const started = Date.now();
  await studio.generate();
  await expect(studio.results()).toHaveCount(1, { timeout: STEP_TIMEOUT_MS });
  const newest = studio.results().first();
  await expect(newest.getByText(/^(Succeeded|Failed)$/)).toBeVisible({ timeout: STEP_TIMEOUT_MS });
  if (!(await newest.getByText('Succeeded', { exact: true }).isVisible())) throw new Error(`generating with ${modelId} failed: ${await newest.textContent()}`);
  const generated = (await readPageProbe(page)).engine.filter((e) => e.type === 'generate').at(-1);
  if (generated?.modelId !== modelId) throw new Error(`the image was generated with ${generated?.modelId}, not ${modelId}`);
  return Date.now() - started;
}

// ---- The run -----------------------------------------------------------------------------------------------------

let root: string | undefined;
let preview: ChildProcess | undefined;
let server: ModelFileServer | undefined;
let context: BrowserContext | undefined;

/** Safe to call twice (a signal during the finally block). */
async function cleanUp(): Promise<void> {
  const [openContext, openServer, openPreview, folder] = [context, server, preview, root];
  context = server = preview = root = undefined;
  openPreview?.kill();
  await Promise.race([openContext?.close().catch(() => undefined), sleep(15_000)]);
  await Promise.race([openServer?.close().catch(() => undefined), sleep(5000)]);
  if (folder) await rm(folder, { recursive: true, force: true });
}

async function run() {
  const loadAverageAtStart = loadavg()[0];
  root = await mkdtemp(join(tmpdir(), 'bench-model-store-'));
  const port = await freePort(5192);
  preview = await startPreview(port);
  const big = await writeBigModel(join(root, 'models', MODEL), FILE_BYTES);
  // The cut run needs a model the store has never seen: the same files under another folder name.
  await symlink(join(root, 'models', MODEL), join(root, 'models', CUT_MODEL), 'dir');
  server = await startModelFileServer({ root: join(root, 'models') });
  // A profile on disk, as users have: Playwright's usual contexts are off the record, where Chromium keeps
  // IndexedDB (blobs included) in memory.
  context = await chromium.launchPersistentContext(join(root, 'profile'), {
    executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
    args: ARGS,
    // Our own handlers close everything (and remove the temp folder); Playwright's would exit the process first.
    handleSIGINT: false,
    handleSIGTERM: false,
    baseURL: `http://localhost:${port}`,
    viewport: { width: 1280, height: 900 },
  });
  await installPageProbe(context);
  const page = context.pages()[0] ?? (await context.newPage());
  await openStudio(page);
  const step = (text: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${text}`);

  step(`1/5 download ${MODEL}`);
  const download = await addAndDownload(page, server, MODEL);
  step('2/5 load it into onnxruntime sessions, sampling memory');
  await openStudio(page); // a fresh page: nothing of the download left in its heap
  const load = await loadWithMemory(context, page, MODEL);
  step('3/5 generate one 64x64 image, 1 step');
  const generateMs = await generateOne(page, load.modelId);
  step('4/5 read it back from IndexedDB');
  const readBack = await readBackFigures(page, download.modelId);
  step('5/5 delete it; download a fresh copy with a cut at 50%');
  await page.getByRole('button', { name: `Delete ${MODEL}` }).click();
  await expect(new ModelsPanel(page).entry(MODEL)).toHaveCount(0, { timeout: STEP_TIMEOUT_MS });
  const cutAt = Math.floor(FILE_BYTES / 2);
  const cut = await addAndDownload(page, server, CUT_MODEL, { cutAt });
  const [first, resumed] = cut.big;
  const bytesSent = cut.big.reduce((sum, entry) => sum + entry.bytesSent, 0);

  return {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverage1m: [round(loadAverageAtStart, 2), round(loadavg()[0], 2)] },
    chromium: await page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? 'unknown'),
    quick: QUICK,
    file: { path: BIG_FILE, bytes: FILE_BYTES, sha256: big.sha256, weightBytes: big.weightBytes, chunks: download.chunks },
    download: {
      ...download,
      clickToStoredMBps: mbps(download.modelBytes, download.clickToStoredMs),
      serverModelMBps: mbps(download.modelBytes, download.serverModelMs),
      serverBigFileMBps: mbps(FILE_BYTES, download.serverBigFileMs),
    },
    readBack,
    load,
    generate64x64OneStepMs: generateMs,
    cutResume: {
      cutAt,
      requests: cut.big,
      bytesSent,
      refetchedBytes: bytesSent - FILE_BYTES,
      resumedStart: resumed?.start,
      resumedWhereStoredEnds: cut.resumedWhereStoredEnds,
      resumeDelayMs: resumed && first.lastByteAt ? resumed.at - first.lastByteAt : null,
      clickToStoredMs: cut.clickToStoredMs,
    },
  };
}

function printTable(r: Awaited<ReturnType<typeof run>>): void {
  const { download: d, readBack: rb, load: l, cutResume: c } = r;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const signed = (mb: number) => `${mb < 0 ? '' : '+'}${round(mb)} MB`;
  const heap = (h: { usedMB: number; arrayBuffersMB: number } | null) => (h ? `${h.usedMB} MB JS + ${h.arrayBuffersMB} MB ArrayBuffers` : 'n/a');
  const rows: Array<[string, string]> = [
    ['File', `${BIG_FILE}: ${FILE_BYTES / MB} MB${QUICK ? ' (--quick)' : ''}, ${r.file.chunks} chunks of 4 MiB`],
    ['Download, click -> "Stored"', `${s(d.clickToStoredMs)} = ${d.clickToStoredMBps} MB/s (${(d.modelBytes / MB).toFixed(1)} MB model; first request after ${d.clickToFirstRequestMs} ms, "Stored" ${d.lastByteToStoredMs} ms after the last byte)`],
    ['Download, server log', `${s(d.serverModelMs)} = ${d.serverModelMBps} MB/s (first request -> last byte); big file alone ${s(d.serverBigFileMs)} = ${d.serverBigFileMBps} MB/s`],
    ['Read back (Blob.arrayBuffer)', `${rb.raw.medianMs} ms = ${rb.raw.MBps} MB/s`],
    ['Read back + SHA-256, WebCrypto', `${rb.webcryptoSha256.medianMs} ms = ${rb.webcryptoSha256.MBps} MB/s`],
    ['Read back + SHA-256, hash-wasm', `${rb.hashWasmSha256.medianMs} ms = ${rb.hashWasmSha256.MBps} MB/s`],
    ['Load, select -> worker "loaded"', `${s(l.selectToLoadedMs)} on ${l.backend}`],
    ['Renderer RSS peak while loading', `${signed(l.renderer.increaseMB)} = ${l.renderer.xFile}x the file (${l.renderer.baselineMB} -> ${l.renderer.peakMB} MB${l.highWaterMarks ? ', VmHWM' : ', sampled'}${l.baselineSettled ? '' : ', baseline never settled'})`],
    ['Renderer RSS after the load', `${POST_LOAD_MS / 1000} s later ${signed(l.renderer.afterLoadEndMB - l.renderer.baselineMB)} (max ${signed(l.renderer.afterLoadPeakMB - l.renderer.baselineMB)}); after a GC ${signed(l.renderer.keptAfterGcMB)}`],
    ['All our Chromium processes', `${signed(l.allChromiumIncreaseMB)} at the peak (sum of RSS, sampled)`],
    ['Worker V8 heap while loading', `before ${heap(l.workerHeap.before)}; peak ${heap(l.workerHeap.peakWhileLoading)}; after the load and a GC ${heap(l.workerHeap.afterGc)}`],
    ['Generate 64x64, 1 step', s(r.generate64x64OneStepMs)],
    ['Cut at 50%: bytes fetched twice', `${c.refetchedBytes} (${c.bytesSent} sent for ${FILE_BYTES}, ${c.requests.length} requests)`],
    ['Cut at 50%: resumed Range', `${c.requests[1]?.range ?? 'none'} vs cut at ${c.cutAt}, ${c.resumeDelayMs} ms after the cut; ${c.resumedWhereStoredEnds ? 'a stored chunk ends there' : 'NO stored chunk ends there'}`],
  ];
  console.log(`\nChromium ${r.chromium}, ${r.machine.cpus} cores, load average ${r.machine.loadAverage1m.join(' -> ')}. MB = 10^6 bytes.`);
  for (const [what, figure] of rows) console.log(`  ${what.padEnd(32)} ${figure}`);
  console.log(`Written to ${RESULTS}`);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: tsx's CLI relays the signal it got itself as well, and a second one with no listener left
  // would end the process before the clean-up is done.
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    void cleanUp().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench:store: gave up after ${WATCHDOG_MS / 60_000} minutes`);
  interrupted = true;
  void cleanUp().finally(() => process.exit(1));
}, WATCHDOG_MS);
console.log(`Model store benchmark: ${FILE_BYTES / MB} MB file${QUICK ? ' (--quick)' : ''}`);
try {
  const report = await run();
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  printTable(report);
} catch (error) {
  // After a signal or the watchdog, the steps fail because their browser is gone: that is not news.
  if (!interrupted) console.error(error);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
