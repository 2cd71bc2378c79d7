// A remote prediction's outputs as files: the `output` field normalised to a list of URLs (Replicate gives a string
// or an array; AUTOMATIC1111 base64), data: URLs decoded here, http(s) URLs downloaded (credentials only to the base
// URL's origin, see RemoteHttp), and how each shows in the stored record (no megabytes of base64 in the history).
import { decodeBase64 } from '../../predictions/wireImages';
import { RemoteError } from './RemoteError';
import type { RemoteHttp } from './RemoteHttp';

/** `output` as a list of strings: a string is one output, null none; anything else is not an answer we understand. */
export function outputList(output: unknown): string[] {
  if (output === null || output === undefined) return [];
  if (typeof output === 'string') return [output];
  if (Array.isArray(output) && output.every((item) => typeof item === 'string')) return output as string[];
  throw new RemoteError('server_error', `The prediction's output: expected a URL or a list of URLs, got ${Array.isArray(output) ? 'a list with other things in it' : typeof output}.`);
}

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s;

function dataUrlBlob(url: string, index: number): Blob {
  const match = DATA_URL.exec(url);
  const bytes = match && /;base64/i.test(match[2]) ? decodeBase64(match[3]) : null;
  if (!match || !bytes) throw new RemoteError('server_error', `Output ${index + 1}: expected a base64 data URL, got one that does not decode.`);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: match[1] || 'application/octet-stream' });
}

/** Every output as a Blob, in order. */
export async function fetchOutputs(urls: readonly string[], http: RemoteHttp, signal?: AbortSignal, deadline?: number): Promise<Blob[]> {
  return Promise.all(
    urls.map((url, index) => {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
      if (scheme === 'data') return dataUrlBlob(url, index);
      if (scheme === 'http' || scheme === 'https') return http.fetchFile(url, signal, deadline);
      throw new RemoteError('server_error', `Output ${index + 1}: expected an http(s) or data: URL, got ${scheme ? `a "${scheme}:" URL` : 'something else'}.`);
    }),
  );
}

/** URLs as they are; a data URL as a short note of what it held. */
export function recordedOutput(url: string): string {
  if (!url.startsWith('data:')) return url;
  const type = DATA_URL.exec(url)?.[1] || 'data';
  return `(inline ${type}, ${Math.round((url.length * 0.75) / 1024)} KB)`;
}
