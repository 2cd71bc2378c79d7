// Bytes → base64 for data URLs of any size: String.fromCharCode(...bytes) on a whole image overflows the call stack
// (arguments are limited to about 100k), so the bytes go through btoa in chunks whose length is a multiple of 3
// (each chunk then encodes to whole base64 quads and the pieces concatenate into one valid string).

const CHUNK_BYTES = 3 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    // apply() takes the typed array as it is; spreading it would go through the (slow) iterator protocol.
    parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(start, start + CHUNK_BYTES) as unknown as number[])));
  }
  return parts.join('');
}
