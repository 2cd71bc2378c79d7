// The Models panel's actions: which models exist (catalog, added by URL or Hub id, imported folders) and whether
// each is stored; download with pause, resume and cancel; import; delete; repair of chunks found damaged on load;
// and which model the engine runs. Bytes go through the weight store; the store (zustand) only gets views.
import { CATALOG, catalogEntry, DEMO_MODEL_ID, DEMO_TAESD_ID, TAESD_ID, type CatalogEntry } from '../models/catalog';
import { adviseModel, readDeviceFacts, type DeviceFacts } from '../models/deviceAdvice';
import { downloadModel, registerModel, type DownloadProgress } from '../models/downloadModel';
import { inspectModel, type ModelCheck } from '../models/inspectModel';
import { folderFileAccess, httpFileAccess } from '../models/modelFileAccess';
import { totalBytes, type ManifestFile, type ModelManifest } from '../models/modelManifest';
import { catalogFiles, describeLocation, folderFiles, listFiles, parseModelLocation, type ModelLocation } from '../models/resolveModel';
import { checkRoomFor, estimateStorage } from '../models/storageSpace';
import { CHUNK_BYTES, StoredFileWriter } from '../models/storedFileWriter';
import { tokenizerFor } from './promptTokens';
import { storedBytes, type StoredFile, type WeightStore } from '../models/weightStore';
import type { ModelView } from '../state/modelsSlice';
import type { StudioStore } from '../state/store';
import type { ModelRef } from '../predictions/backends';

/** Why a download stopped on purpose (an abort reason, so it is not reported as a failure). */
class StopRequest extends Error {
  constructor(readonly kind: 'pause' | 'cancel' | 'delete') {
    super(`download ${kind}`);
  }
}

export interface ModelsControllerOptions {
  store: StudioStore;
  weights: WeightStore;
  fetch?: typeof fetch;
  /** Loads a stored model into the engine; rejects with an error carrying the worker's `code`. */
  activate(model: ModelRef): Promise<void>;
}

type FolderEntry = { path: string; file: Blob };

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'model';
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function viewOfEntry(entry: CatalogEntry): ModelView {
  return {
    id: entry.id,
    name: entry.name,
    description: entry.description,
    kind: entry.kind,
    modes: entry.modes,
    origin: entry.location.kind === 'hub' ? describeLocation(entry.location) : 'built into the app',
    bytes: entry.approxBytes,
    dtype: entry.dtype,
    needsShaderF16: entry.needsShaderF16,
    profile: entry.profile,
    licence: entry.licence,
    sources: entry.sources,
    unconfirmed: entry.unconfirmed,
    demo: entry.demo,
    recommended: entry.recommended,
    status: 'absent',
  };
}

function viewOfManifest(manifest: ModelManifest): ModelView {
  return {
    id: manifest.id,
    name: manifest.name,
    description: `Added from ${manifest.origin}.`,
    kind: 'pipeline',
    modes: manifest.modes,
    origin: manifest.origin,
    bytes: totalBytes(manifest.files),
    dtype: manifest.dtype,
    needsShaderF16: manifest.dtype === 'float16',
    profile: manifest.profile,
    sources: [],
    custom: true,
    status: 'absent',
  };
}

/** A stored model's status from its file records. */
function statusOf(files: StoredFile[], manifest: ModelManifest): Pick<ModelView, 'status' | 'progress'> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const received = manifest.files.reduce((sum, file) => sum + storedBytes(byPath.get(file.path) ?? { chunks: [] }), 0);
  const total = totalBytes(manifest.files);
  const complete = manifest.files.every((file) => byPath.get(file.path)?.complete && !byPath.get(file.path)?.damaged?.length);
  if (complete) return { status: 'ready', progress: undefined };
  const progress: DownloadProgress = {
    received,
    total,
    bytesPerSecond: 0,
    files: manifest.files.map((file) => ({ path: file.path, size: file.size, received: storedBytes(byPath.get(file.path) ?? { chunks: [] }), complete: byPath.get(file.path)?.complete ?? false })),
  };
  return { status: received > 0 ? 'paused' : 'absent', progress: received > 0 ? progress : undefined };
}

export class ModelsController {
  private readonly store: StudioStore;
  private readonly weights: WeightStore;
  private readonly fetchImpl: typeof fetch;
  private readonly activateModel: (model: ModelRef) => Promise<void>;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly manifests = new Map<string, ModelManifest>();
  private facts: DeviceFacts = { adapter: null };

  constructor(options: ModelsControllerOptions) {
    this.store = options.store;
    this.weights = options.weights;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.activateModel = options.activate;
  }

  /** Reads the stored models and the device, copies the demo into the store on first use, and loads the selection. */
  async init(): Promise<void> {
    const [stored, facts] = await Promise.all([this.weights.listModels().catch(() => []), readDeviceFacts()]);
    this.facts = facts;
    const views = new Map(CATALOG.map((entry) => [entry.id, viewOfEntry(entry)]));
    for (const { manifest } of stored) {
      this.manifests.set(manifest.id, manifest);
      const base = views.get(manifest.id) ?? viewOfManifest(manifest);
      const files = await this.weights.listFiles(manifest.id).catch(() => []);
      views.set(manifest.id, { ...base, bytes: totalBytes(manifest.files), modes: base.custom ? manifest.modes : base.modes, ...statusOf(files, manifest) });
    }
    this.store.getState().setModels([...views.values()]);
    await this.refreshStorage();
    const state = this.store.getState();
    const selected = state.models.find((m) => m.id === state.selectedModelId);
    if (!selected || selected.kind !== 'pipeline' || (selected.status !== 'ready' && !selected.demo)) this.store.getState().selectModel(DEMO_MODEL_ID);
    const demo = this.view(DEMO_MODEL_ID);
    // The demo works like any other model: copied into the store on first use, so it runs offline too (its TAESD
    // stand-in too, a few kB, so the fast-decoder setting can be tried right away).
    // Loaded once, below, with whatever got stored: not once per download as well.
    if (demo && demo.status !== 'ready') await this.download(DEMO_MODEL_ID, { activate: false });
    if (this.view(DEMO_TAESD_ID)?.status === 'absent') await this.download(DEMO_TAESD_ID, { activate: false });
    await this.activate();
  }

  /** A stored model's CLIP tokenizer, for the prompt's token counter (null until its files are stored). */
  tokenizer(id = this.store.getState().selectedModelId) {
    return tokenizerFor(this.weights, id);
  }

  /** The model the engine runs, as the worker needs it, with the stored TAESD decoder when there is one. */
  modelRef(id = this.store.getState().selectedModelId): ModelRef {
    const view = this.view(id);
    return { id, profile: view?.profile, dtype: view?.dtype, fastDecoderId: this.fastDecoderId() };
  }

  /** A stored TAESD decoder: the real one when downloaded, else the demo's stand-in. */
  fastDecoderId(): string | undefined {
    const models = this.store.getState().models;
    return [TAESD_ID, DEMO_TAESD_ID].find((id) => models.find((m) => m.id === id)?.status === 'ready');
  }

  // ---- Choosing ----------------------------------------------------------------------------------------------

  async select(id: string): Promise<void> {
    const view = this.view(id);
    if (!view || view.kind !== 'pipeline') return;
    this.store.getState().selectModel(id);
    await this.activate();
  }

  /** Loads the selected model into the engine; a chunk found damaged on load is fetched again, then it loads. */
  async activate(): Promise<void> {
    const id = this.store.getState().selectedModelId;
    const view = this.view(id);
    if (view?.status !== 'ready') return;
    const state = this.store.getState();
    if (view.modes.length > 0 && !view.modes.includes(state.activeMode)) state.setActiveMode(view.modes[0]);
    try {
      await this.activateModel(this.modelRef(id));
    } catch (error) {
      if ((error as { code?: string }).code === 'weights_damaged') await this.repair(id);
      else if ((error as { code?: string }).code === 'weights_missing') await this.refreshStatus(id);
      else throw error;
    }
  }

  /** Fetches again the chunks the engine found damaged, then loads the model again. */
  async repair(id: string): Promise<void> {
    const manifest = await this.manifestOf(id);
    if (!manifest) return;
    this.patch(id, { status: 'repairing', error: undefined });
    await this.run(id, manifest, 'repairing');
    if (this.view(id)?.status === 'ready' && this.store.getState().selectedModelId === id) await this.activate();
  }

  // ---- Downloads ---------------------------------------------------------------------------------------------

  /**
   * Checks the model, then downloads what is not stored yet. Resolves when it is stored, paused or failed. Once
   * stored, the selected model is loaded again (with the decoder, when the decoder is what was stored), unless
   * `activate` is false.
   */
  async download(id: string, { activate = true } = {}): Promise<void> {
    if (this.running.has(id)) return;
    const view = this.view(id);
    if (!view) return;
    this.patch(id, { status: 'checking', error: undefined });
    let manifest: ModelManifest;
    try {
      manifest = (await this.manifestOf(id)) ?? (await this.resolveCatalogEntry(catalogEntry(id)!));
      this.manifests.set(id, manifest);
      const files = await this.weights.listFiles(id).catch(() => []);
      const stored = new Map(files.map((file) => [file.path, storedBytes(file)]));
      const remaining = manifest.files.reduce((sum, file) => sum + file.size - (stored.get(file.path) ?? 0), 0);
      checkRoomFor(manifest.name, remaining, await estimateStorage());
    } catch (error) {
      this.patch(id, { status: 'failed', error: errorText(error) });
      return;
    }
    this.patch(id, { bytes: totalBytes(manifest.files), dtype: manifest.dtype ?? view.dtype });
    await this.run(id, manifest, 'downloading');
    // A newly stored decoder is offered to the running model: load it again with the decoder named.
    const selected = this.store.getState().selectedModelId === id || view.kind === 'decoder';
    if (activate && this.view(id)?.status === 'ready' && selected && this.view(this.store.getState().selectedModelId)?.status === 'ready') await this.activate();
  }

  pause(id: string): void {
    this.running.get(id)?.controller.abort(new StopRequest('pause'));
  }

  resume(id: string): Promise<void> {
    return this.download(id);
  }

  /** Stops a download and drops what it stored; an added model stays listed, ready to download again. */
  async cancel(id: string): Promise<void> {
    const job = this.running.get(id);
    job?.controller.abort(new StopRequest('cancel'));
    await job?.done;
    await this.forgetBytes(id);
  }

  /** Frees a model's storage. An added model disappears from the list; a catalog entry can be downloaded again. */
  async delete(id: string): Promise<void> {
    const job = this.running.get(id);
    job?.controller.abort(new StopRequest('delete'));
    await job?.done;
    const view = this.view(id);
    try {
      await this.weights.deleteModel(id);
    } catch (error) {
      this.patch(id, { error: errorText(error) });
      return;
    }
    this.manifests.delete(id);
    if (view?.custom) this.store.getState().removeModel(id);
    else if (view) this.patch(id, { ...viewOfEntry(catalogEntry(id)!), status: 'absent', progress: undefined, error: undefined });
    await this.refreshStorage();
    if (this.store.getState().selectedModelId === id) await this.select(DEMO_MODEL_ID);
  }

  // ---- Adding models -----------------------------------------------------------------------------------------

  /** "Add model": a base URL or a Hub repo id. Checks it before anything is stored and lists it, ready to download. */
  async addFromText(text: string): Promise<void> {
    const state = this.store.getState();
    state.setAddModelState(true, null);
    try {
      const location = parseModelLocation(text);
      const files = await listFiles(location, this.fetchImpl);
      const check = await inspectModel(files, httpFileAccess(files, this.fetchImpl));
      const name = location.kind === 'hub' ? location.repo : new URL(location.baseUrl).pathname.split('/').filter(Boolean).pop() ?? location.baseUrl;
      if (check.problems.length > 0) throw new Error(`${name} can't be used: ${check.problems.join('; ')}.`);
      const manifest = this.customManifest(name, describeLocation(location), files, check, location);
      await registerModel(this.weights, manifest);
      this.manifests.set(manifest.id, manifest);
      this.store.getState().upsertModel({ ...viewOfManifest(manifest), notes: check.notes, advice: this.advise(manifest) });
      state.setAddModelState(false, { kind: 'info', text: `Added ${manifest.name}: ${manifest.files.length} files. ${check.notes.join('. ')}`.trim() });
    } catch (error) {
      state.setAddModelState(false, { kind: 'error', text: errorText(error) });
    }
  }

  /** "Import folder": a model folder on disk, checked, then copied into the store (hashed as it is copied). */
  async importFolder(folderName: string, entries: FolderEntry[]): Promise<void> {
    const state = this.store.getState();
    state.setAddModelState(true, null);
    let manifest: ModelManifest;
    let files: Array<ManifestFile & { file: Blob }>;
    try {
      files = folderFiles(entries);
      const check = await inspectModel(files, folderFileAccess(files));
      if (check.problems.length > 0) throw new Error(`${folderName} can't be used: ${check.problems.join('; ')}.`);
      manifest = this.customManifest(folderName, `folder "${folderName}"`, files.map(({ path, size }) => ({ path, size })), check);
      await registerModel(this.weights, manifest);
      this.manifests.set(manifest.id, manifest);
      this.store.getState().upsertModel({ ...viewOfManifest(manifest), status: 'importing', notes: check.notes });
      state.setAddModelState(false, null);
    } catch (error) {
      state.setAddModelState(false, { kind: 'error', text: errorText(error) });
      return;
    }
    try {
      const total = totalBytes(files);
      let received = 0;
      for (const { file, ...info } of files) {
        const record = (await this.weights.getFile(manifest.id, info.path))!;
        const writer = await StoredFileWriter.open(this.weights, record);
        for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
          await writer.append(new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer()));
          received += Math.min(CHUNK_BYTES, file.size - offset);
          this.patch(manifest.id, { progress: { received, total, files: [], bytesPerSecond: 0 } });
        }
        await writer.finish();
      }
      this.patch(manifest.id, { status: 'ready', progress: undefined });
      state.setAddModelState(false, { kind: 'info', text: `Imported ${manifest.name}.` });
    } catch (error) {
      this.patch(manifest.id, { status: 'failed', error: `The import failed: ${errorText(error)}` });
    }
    await this.refreshStorage();
  }

  // ---- Internals ---------------------------------------------------------------------------------------------

  private view(id: string): ModelView | undefined {
    return this.store.getState().models.find((model) => model.id === id);
  }

  private patch(id: string, patch: Partial<ModelView>): void {
    this.store.getState().patchModel(id, patch);
  }

  private advise(manifest: ModelManifest) {
    const largest = Math.max(0, ...manifest.files.map((file) => file.size));
    return adviseModel({ dtype: manifest.dtype ?? 'float32', needsShaderF16: manifest.dtype === 'float16', bytesToStore: totalBytes(manifest.files), totalBytes: totalBytes(manifest.files), largestFileBytes: largest }, this.facts);
  }

  private customManifest(name: string, origin: string, files: ManifestFile[], check: ModelCheck, location?: ModelLocation): ModelManifest {
    const base = `custom-${slug(location?.kind === 'hub' ? `${location.repo}-${location.revision}` : name)}`;
    let id = base;
    for (let n = 2; this.view(id) && !this.view(id)!.custom; n++) id = `${base}-${n}`;
    return { id, name, files, origin, modes: check.modes, dtype: check.dtype };
  }

  private async manifestOf(id: string): Promise<ModelManifest | undefined> {
    return this.manifests.get(id) ?? (await this.weights.getModel(id).catch(() => undefined))?.manifest;
  }

  private async resolveCatalogEntry(entry: CatalogEntry): Promise<ModelManifest> {
    const files = await catalogFiles(entry, this.fetchImpl);
    let dtype = entry.dtype;
    if (entry.kind === 'pipeline') {
      const check = await inspectModel(files, httpFileAccess(files, this.fetchImpl));
      if (check.problems.length > 0) throw new Error(`${entry.name} can't be used: ${check.problems.join('; ')}.`);
      dtype = check.dtype ?? dtype;
    }
    return { id: entry.id, name: entry.name, files, origin: describeLocation(entry.location), modes: entry.modes, dtype, profile: entry.profile, demo: entry.demo };
  }

  private async run(id: string, manifest: ModelManifest, status: 'downloading' | 'repairing'): Promise<void> {
    const controller = new AbortController();
    this.patch(id, { status, error: undefined });
    const done = downloadModel(this.weights, manifest, {
      signal: controller.signal,
      fetch: this.fetchImpl,
      onProgress: (progress) => this.patch(id, { progress }),
    }).then(
      () => this.patch(id, { status: 'ready', progress: undefined, error: undefined }),
      (error: unknown) => {
        const reason = controller.signal.reason;
        if (reason instanceof StopRequest) this.patch(id, { status: reason.kind === 'pause' ? 'paused' : 'absent' });
        else this.patch(id, { status: 'failed', error: errorText(error) });
      },
    );
    this.running.set(id, { controller, done });
    try {
      await done;
    } finally {
      this.running.delete(id);
      await this.refreshStorage();
    }
  }

  private async forgetBytes(id: string): Promise<void> {
    const manifest = await this.manifestOf(id);
    try {
      await this.weights.deleteModel(id);
      // An added model is remembered only by its record: keep it listed, with nothing stored.
      if (manifest && this.view(id)?.custom) await registerModel(this.weights, manifest);
    } catch (error) {
      this.patch(id, { error: errorText(error) });
    }
    if (!this.view(id)?.custom) this.manifests.delete(id);
    this.patch(id, { status: 'absent', progress: undefined });
    await this.refreshStorage();
  }

  private async refreshStatus(id: string): Promise<void> {
    const manifest = await this.manifestOf(id);
    if (!manifest) return;
    this.patch(id, statusOf(await this.weights.listFiles(id), manifest));
  }

  async refreshStorage(): Promise<void> {
    const storage = await estimateStorage();
    this.store.getState().setStorage(storage);
    this.facts = { ...this.facts, storageFreeBytes: storage.quota === undefined ? undefined : storage.quota - (storage.usage ?? 0) };
    for (const view of this.store.getState().models) {
      const manifest = this.manifests.get(view.id);
      const entry = catalogEntry(view.id);
      const largestFileBytes = manifest ? Math.max(0, ...manifest.files.map((f) => f.size)) : (entry?.largestFileBytes ?? 0);
      const needs = {
        dtype: view.dtype ?? 'float32',
        needsShaderF16: view.needsShaderF16,
        bytesToStore: view.status === 'ready' ? 0 : view.bytes - (view.progress?.received ?? 0),
        totalBytes: view.bytes,
        largestFileBytes,
      };
      this.patch(view.id, { advice: adviseModel(needs, this.facts) });
    }
  }
}
