// Where a model lives → its exact file list: the "Model URL" box's parsing, a folder served over HTTP (with and
// without manifest.json), the Hub's tree API (LFS SHA-256s, pagination) and catalog pins checked against listings.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelFileServer, type ModelFileServer } from '../../test/support/modelFileServer';
import { MODELS_DIR } from '../../test/tinyModel';
import type { CatalogEntry } from './catalog';
import { catalogFiles, folderFiles, listHubFiles, listUrlFiles, parseModelLocation } from './resolveModel';

let root: string;
let server: ModelFileServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'resolve-model-'));
  await cp(join(MODELS_DIR, 'tiny-sd'), join(root, 'with-manifest'), { recursive: true });
  await cp(join(MODELS_DIR, 'tiny-sd-external-data'), join(root, 'plain'), { recursive: true });
  await rm(join(root, 'plain', 'manifest.json'));
  server = await startModelFileServer({ root });
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('parseModelLocation', () => {
  it('reads repo ids, revisions, Hub page URLs and base URLs', () => {
    expect(parseModelLocation(' schmuell/sd-turbo-ort-web ')).toEqual({ kind: 'hub', repo: 'schmuell/sd-turbo-ort-web', revision: 'main' });
    expect(parseModelLocation('org/model@onnx')).toEqual({ kind: 'hub', repo: 'org/model', revision: 'onnx' });
    expect(parseModelLocation('https://huggingface.co/org/model/tree/fp16')).toEqual({ kind: 'hub', repo: 'org/model', revision: 'fp16' });
    expect(parseModelLocation('https://huggingface.co/org/model')).toEqual({ kind: 'hub', repo: 'org/model', revision: 'main' });
    expect(parseModelLocation('http://127.0.0.1:9/models/sd')).toEqual({ kind: 'url', baseUrl: 'http://127.0.0.1:9/models/sd/' });
  });

  it('names the field, what it expects and what came', () => {
    expect(() => parseModelLocation('')).toThrow(/^Model URL: expected a base URL .* got nothing/);
    expect(() => parseModelLocation('ftp://host/model')).toThrow('Model URL: expected an http or https URL, got "ftp:"');
    expect(() => parseModelLocation('not a model')).toThrow('got "not a model"');
  });
});

describe('listUrlFiles', () => {
  it('takes sizes and SHA-256s from manifest.json', async () => {
    const files = await listUrlFiles(`${server.url}/with-manifest/`);
    const unet = files.find((file) => file.path === 'unet/model.onnx')!;
    expect(unet).toMatchObject({ url: `${server.url}/with-manifest/unet/model.onnx` });
    expect(unet.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(files.map((f) => f.path)).toContain('tokenizer/vocab.json');
    expect(files.map((f) => f.path)).not.toContain('manifest.json');
  });

  it('without a manifest, probes the diffusers file names and takes sizes from HEAD (external data included)', async () => {
    const files = await listUrlFiles(`${server.url}/plain/`);
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['model_index.json', 'unet/model.onnx', 'unet/model.onnx_data', 'text_encoder/model.onnx', 'tokenizer/merges.txt']));
    expect(files.every((f) => f.sha256 === undefined && f.size > 0)).toBe(true);
  });

  it('says when a URL is not a model folder', async () => {
    await expect(listUrlFiles(`${server.url}/nothing-here/`)).rejects.toMatchObject({ code: 'not_a_model', message: expect.stringContaining('No model_index.json') });
  });
});

/** A fetch that plays the Hugging Face tree API: two pages, an LFS file and a plain one, and files outside the pipeline. */
function fakeHub(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const pages: Record<string, { body: unknown[]; link?: string }> = {
    'https://huggingface.co/api/models/org/model/tree/main?recursive=true': {
      body: [
        { type: 'file', path: 'model_index.json', size: 599, oid: 'aaaa' },
        { type: 'directory', path: 'unet', size: 0 },
        { type: 'file', path: 'unet/model.onnx', size: 134, lfs: { oid: 'b'.repeat(64), size: 1_730_000_000, pointerSize: 134 } },
      ],
      link: '<https://huggingface.co/api/models/org/model/tree/main?recursive=true&cursor=2>; rel="next"',
    },
    'https://huggingface.co/api/models/org/model/tree/main?recursive=true&cursor=2': {
      body: [
        { type: 'file', path: 'safety_checker/model.onnx', size: 1, lfs: { oid: 'c'.repeat(64), size: 1_216_193_649 } },
        { type: 'file', path: 'README.md', size: 10 },
        { type: 'file', path: 'tokenizer/vocab.json', size: 1_059_962, oid: 'dddd' },
      ],
    },
  };
  return {
    urls,
    fetch: (async (input: RequestInfo | URL) => {
      const url = String(input);
      urls.push(url);
      const page = pages[url];
      if (!page) return new Response('Not found', { status: 404 });
      return new Response(JSON.stringify(page.body), { headers: page.link ? { Link: page.link } : {} });
    }) as typeof fetch,
  };
}

describe('listHubFiles', () => {
  it('lists the pipeline files of every page, with LFS sizes and SHA-256s and resolve URLs', async () => {
    const hub = fakeHub();
    const files = await listHubFiles('org/model', 'main', hub.fetch);
    expect(files).toEqual([
      { path: 'model_index.json', size: 599, sha256: undefined, url: 'https://huggingface.co/org/model/resolve/main/model_index.json' },
      { path: 'unet/model.onnx', size: 1_730_000_000, sha256: 'b'.repeat(64), url: 'https://huggingface.co/org/model/resolve/main/unet/model.onnx' },
      { path: 'tokenizer/vocab.json', size: 1_059_962, sha256: undefined, url: 'https://huggingface.co/org/model/resolve/main/tokenizer/vocab.json' },
    ]);
    expect(hub.urls).toHaveLength(2);
  });

  it('says which revision was not found', async () => {
    await expect(listHubFiles('org/model', 'nope', fakeHub().fetch)).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('no revision "nope"') });
  });
});

describe('catalogFiles', () => {
  const entry = (files: CatalogEntry['files']): CatalogEntry =>
    ({ id: 'x', name: 'X', location: { kind: 'hub', repo: 'org/model', revision: 'main' }, files }) as CatalogEntry;

  it('keeps pinned figures and fills the rest from the listing', async () => {
    const files = await catalogFiles(entry([{ path: 'unet/model.onnx', sha256: 'b'.repeat(64) }, { path: 'model_index.json', size: 599 }]), fakeHub().fetch);
    expect(files.map((f) => [f.path, f.size, f.sha256])).toEqual([
      ['unet/model.onnx', 1_730_000_000, 'b'.repeat(64)],
      ['model_index.json', 599, undefined],
    ]);
  });

  it('refuses a listing that contradicts a pinned size or SHA-256', async () => {
    await expect(catalogFiles(entry([{ path: 'unet/model.onnx', sha256: 'e'.repeat(64) }]), fakeHub().fetch)).rejects.toMatchObject({ code: 'pinned_mismatch' });
    await expect(catalogFiles(entry([{ path: 'model_index.json', size: 600 }]), fakeHub().fetch)).rejects.toMatchObject({ code: 'pinned_mismatch' });
    await expect(catalogFiles(entry([{ path: 'vae_decoder/model.onnx' }]), fakeHub().fetch)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('folderFiles', () => {
  it('finds the model root inside a picked folder and keeps only pipeline files', () => {
    const blob = (n: number) => new Blob([new Uint8Array(n)]);
    const files = folderFiles([
      { path: 'my-model/model_index.json', file: blob(3) },
      { path: 'my-model/unet/model.onnx', file: blob(5) },
      { path: 'my-model/README.md', file: blob(1) },
      { path: 'my-model/.git/config', file: blob(1) },
    ]);
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['model_index.json', 3],
      ['unet/model.onnx', 5],
    ]);
  });
});
