// Turns where a model lives into the exact list of files to fetch: a catalog entry, a base URL serving the diffusers
// layout (its manifest.json, or model_index.json and the standard file names probed with HEAD), a Hugging Face repo
// id with a revision (the Hub's tree API: sizes and LFS SHA-256s), or a folder the user picked or dropped.
import type { CatalogEntry, CatalogFile } from './catalog';
import type { ManifestFile } from './modelManifest';

export type ModelSourceErrorCode = 'invalid_location' | 'not_found' | 'not_a_model' | 'unreachable' | 'pinned_mismatch';

export class ModelSourceError extends Error {
  constructor(
    readonly code: ModelSourceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelSourceError';
  }
}

export const HUB_ORIGIN = 'https://huggingface.co';

export type ModelLocation = { kind: 'hub'; repo: string; revision: string } | { kind: 'url'; baseUrl: string };

/** The pipeline's folders; other files in a repo (safety checker, model cards, other formats) are not fetched. */
const PIPELINE_FOLDERS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder', 'tokenizer', 'scheduler'];
const PIPELINE_FILE = /\.(onnx|onnx_data|pb|json|txt)$/;

export function isPipelineFile(path: string): boolean {
  if (path === 'model_index.json') return true;
  const [folder, name, ...rest] = path.split('/');
  return rest.length === 0 && name !== undefined && PIPELINE_FOLDERS.includes(folder) && PIPELINE_FILE.test(name);
}

/** Files probed at a base URL without a manifest.json: the names diffusers' ONNX exports use. */
const PROBED_FILES = [
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'tokenizer/special_tokens_map.json',
  'tokenizer/tokenizer_config.json',
  ...['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'].flatMap((c) => [`${c}/model.onnx`, `${c}/config.json`, `${c}/model.onnx_data`, `${c}/weights.pb`]),
];

const HUB_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * What the user typed in "Model URL": 'org/name', 'org/name@revision', a huggingface.co page URL
 * (…/org/name or …/org/name/tree/revision), or any other http(s) URL of a model folder.
 */
export function parseModelLocation(text: string): ModelLocation {
  const trimmed = text.trim();
  if (trimmed === '') throw new ModelSourceError('invalid_location', 'Model URL: expected a base URL (https://…/model/) or a Hugging Face repo id (org/name or org/name@revision), got nothing');
  const [repo, revision = 'main'] = trimmed.split('@');
  if (HUB_REPO.test(repo) && !trimmed.includes('://')) return { kind: 'hub', repo, revision };
  let url: URL;
  try {
    url = new URL(trimmed, globalThis.location?.href);
  } catch {
    throw new ModelSourceError('invalid_location', `Model URL: expected a base URL (https://…/model/) or a Hugging Face repo id (org/name), got "${trimmed}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelSourceError('invalid_location', `Model URL: expected an http or https URL, got "${url.protocol}"`);
  }
  if (url.origin === HUB_ORIGIN) {
    const [owner, name, tree, rev] = url.pathname.split('/').filter(Boolean);
    if (owner && name && owner !== 'api') return { kind: 'hub', repo: `${owner}/${name}`, revision: tree === 'tree' && rev ? decodeURIComponent(rev) : 'main' };
  }
  const baseUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  return { kind: 'url', baseUrl };
}

export const describeLocation = (location: ModelLocation) =>
  location.kind === 'hub' ? `huggingface.co/${location.repo} @ ${location.revision.length === 40 ? location.revision.slice(0, 7) : location.revision}` : location.baseUrl;

export const hubFileUrl = (repo: string, revision: string, path: string) =>
  `${HUB_ORIGIN}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;

/** A 200 that is an HTML page (a single-page-app server's fallback) does not count as the file. */
function isFile(response: Response, path: string): boolean {
  return response.ok && (path.endsWith('.html') || !(response.headers.get('content-type') ?? '').includes('text/html'));
}

async function request(fetchImpl: typeof fetch, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, { cache: 'no-store', ...init });
  } catch (error) {
    throw new ModelSourceError('unreachable', `Could not reach ${url} (${(error as Error).message}). Check the address and that the server allows this site (CORS).`);
  }
}

/** The files of a model folder served over HTTP. */
export async function listUrlFiles(baseUrl: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<ManifestFile[]> {
  const base = new URL(baseUrl, globalThis.location?.href);
  const urlOf = (path: string) => new URL(path, base).href;
  const manifest = await request(fetchImpl, urlOf('manifest.json'));
  if (isFile(manifest, 'manifest.json')) {
    const parsed = (await manifest.json().catch(() => null)) as { files?: Array<{ path?: unknown; size?: unknown; sha256?: unknown }> } | null;
    const files = (parsed?.files ?? []).filter((f): f is { path: string; size: number; sha256?: string } => typeof f.path === 'string' && typeof f.size === 'number');
    if (files.length === 0) throw new ModelSourceError('not_a_model', `${urlOf('manifest.json')} lists no files (expected { "files": [{ "path", "size", "sha256" }] })`);
    return files.filter((f) => isPipelineFile(f.path)).map((f) => ({ path: f.path, size: f.size, sha256: typeof f.sha256 === 'string' ? f.sha256 : undefined, url: urlOf(f.path) }));
  }
  const index = await request(fetchImpl, urlOf('model_index.json'), { method: 'HEAD' });
  if (!isFile(index, 'model_index.json')) {
    throw new ModelSourceError('not_a_model', `No model_index.json at ${base.href} (${index.status}): a model folder in the diffusers layout starts with one.`);
  }
  const probed = await Promise.all(
    ['model_index.json', ...PROBED_FILES].map(async (path): Promise<ManifestFile | null> => {
      const response = await request(fetchImpl, urlOf(path), { method: 'HEAD' });
      const size = Number(response.headers.get('content-length'));
      return isFile(response, path) && Number.isFinite(size) ? { path, size, url: urlOf(path) } : null;
    }),
  );
  return probed.filter((file): file is ManifestFile => file !== null);
}

interface HubTreeEntry {
  type: string;
  path: string;
  size?: number;
  lfs?: { oid?: string; size?: number };
}

/** The pipeline files of a Hub repo at a revision, with sizes and (for LFS files) SHA-256s, from the tree API. */
export async function listHubFiles(repo: string, revision: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<ManifestFile[]> {
  const entries: HubTreeEntry[] = [];
  let next: string | undefined = `${HUB_ORIGIN}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
  while (next) {
    const response = await request(fetchImpl, next);
    if (response.status === 401 || response.status === 404) {
      throw new ModelSourceError('not_found', `huggingface.co/${repo} has no revision "${revision}" (${response.status}); the repository may be private, gated or removed.`);
    }
    if (!response.ok) throw new ModelSourceError('unreachable', `The Hugging Face Hub answered ${response.status} listing ${repo}@${revision}.`);
    const page = (await response.json().catch(() => null)) as unknown;
    if (!Array.isArray(page)) throw new ModelSourceError('unreachable', `The Hugging Face Hub sent an unexpected listing for ${repo}@${revision}.`);
    entries.push(...(page as HubTreeEntry[]));
    // Large repos are paginated: Link: <…&cursor=…>; rel="next".
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  }
  return entries
    .filter((entry) => entry.type === 'file' && isPipelineFile(entry.path) && typeof (entry.lfs?.size ?? entry.size) === 'number')
    .map((entry) => ({ path: entry.path, size: (entry.lfs?.size ?? entry.size)!, sha256: entry.lfs?.oid, url: hubFileUrl(repo, revision, entry.path) }));
}

/** The files of a location, as listed by its source. */
export function listFiles(location: ModelLocation, fetchImpl: typeof fetch = globalThis.fetch): Promise<ManifestFile[]> {
  return location.kind === 'hub' ? listHubFiles(location.repo, location.revision, fetchImpl) : listUrlFiles(location.baseUrl, fetchImpl);
}

/** A pinned catalog figure checked against the source's listing: a different size or hash is refused. */
function pinned(file: CatalogFile, listed: ManifestFile | undefined, where: string): ManifestFile {
  if (!listed) throw new ModelSourceError('not_found', `${file.path} is not at ${where}.`);
  if (file.size !== undefined && listed.size !== file.size) {
    throw new ModelSourceError('pinned_mismatch', `${file.path} at ${where} is ${listed.size} bytes; the catalog expects ${file.size}. It is not the file this entry describes.`);
  }
  if (file.sha256 && listed.sha256 && listed.sha256 !== file.sha256) {
    throw new ModelSourceError('pinned_mismatch', `${file.path} at ${where} has SHA-256 ${listed.sha256}; the catalog expects ${file.sha256}. It is not the file this entry describes.`);
  }
  return { ...listed, size: file.size ?? listed.size, sha256: file.sha256 ?? listed.sha256 };
}

/** A catalog entry's exact files: its pinned figures where it has them, the source's listing for the rest. */
export async function catalogFiles(entry: CatalogEntry, fetchImpl: typeof fetch = globalThis.fetch): Promise<ManifestFile[]> {
  const listed = await listFiles(entry.location, fetchImpl);
  if (entry.files === 'listed-by-source') return listed;
  const byPath = new Map(listed.map((file) => [file.path, file]));
  const where = describeLocation(entry.location);
  return entry.files.map((file) => pinned(file, byPath.get(file.path), where));
}

/** A folder the user picked or dropped: its files keyed by path relative to the model root. */
export function folderFiles(entries: ReadonlyArray<{ path: string; file: Blob }>): Array<ManifestFile & { file: Blob }> {
  // A picked folder's paths start with the folder's own name ("sd-turbo/unet/model.onnx"): find the model root.
  const index = entries.find((e) => e.path === 'model_index.json' || e.path.endsWith('/model_index.json'));
  const root = index ? index.path.slice(0, index.path.length - 'model_index.json'.length) : commonFolder(entries.map((e) => e.path));
  return entries
    .filter((e) => e.path.startsWith(root))
    .map((e) => ({ path: e.path.slice(root.length), size: e.file.size, file: e.file }))
    .filter((e) => isPipelineFile(e.path));
}

function commonFolder(paths: string[]): string {
  const first = paths[0]?.split('/') ?? [];
  return first.length > 1 && paths.every((p) => p.startsWith(`${first[0]}/`)) ? `${first[0]}/` : '';
}
