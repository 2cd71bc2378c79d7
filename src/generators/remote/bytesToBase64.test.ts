// Chunked base64 gives exactly Node's encoding at every length, including ones spanning several chunks.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './bytesToBase64';

describe('bytesToBase64', () => {
  it.each([0, 1, 2, 3, 24_575, 24_576, 24_577, 200_003])('encodes %i bytes as Buffer does', (length) => {
    const bytes = new Uint8Array(randomBytes(length));
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('encodes a 4 MB image without running out of call stack', () => {
    expect(bytesToBase64(new Uint8Array(4 << 20)).length).toBe(Math.ceil((4 << 20) / 3) * 4);
  });
});
