// Reads a model's files where they are before they are stored: over HTTP (configs whole, graphs by Range requests
// for their headers only) or from a folder on disk. What inspectModel needs to check a model before a download.
import { fetchChunk } from './downloadFile';
import type { ModelFileAccess } from './inspectModel';
import type { ManifestFile } from './modelManifest';
import { blobReader, type ByteRangeReader } from './onnxMetadata';

export function httpRangeReader(url: string, size: number, fetchImpl: typeof fetch): ByteRangeReader {
  const signal = new AbortController().signal;
  return {
    size,
    read: (offset, length) => fetchChunk(url, offset, Math.min(length, size - offset), { fetch: fetchImpl, signal, retry: { attempts: 2, baseDelayMs: 300, maxDelayMs: 2000 } }),
  };
}

export function httpFileAccess(files: readonly ManifestFile[], fetchImpl: typeof fetch = globalThis.fetch): ModelFileAccess {
  const byPath = new Map(files.map((file) => [file.path, file]));
  return {
    async readText(path) {
      const url = byPath.get(path)?.url;
      if (!url) return null;
      const response = await fetchImpl(url, { cache: 'no-store' });
      return response.ok ? response.text() : null;
    },
    reader: (file) => httpRangeReader(file.url!, file.size, fetchImpl),
  };
}

export function folderFileAccess(files: ReadonlyArray<ManifestFile & { file: Blob }>): ModelFileAccess {
  const byPath = new Map(files.map((file) => [file.path, file.file]));
  return {
    readText: async (path) => (byPath.has(path) ? byPath.get(path)!.text() : null),
    reader: (file) => blobReader(byPath.get(file.path)!),
  };
}
