import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, frameChunk, PngFormatError, PNG_SIGNATURE, readChunks, readPngText, textChunk } from './pngChunks';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const nul = Uint8Array.of(0);

/** A chunk framed by the test itself, with node:zlib's CRC, so readers are checked against an independent writer. */
function nodeChunk(type: string, data: Uint8Array): Uint8Array {
  const typeAndData = concat(latin1(type), data);
  const frame = Buffer.alloc(12 + data.length);
  frame.writeUInt32BE(data.length, 0);
  frame.set(typeAndData, 4);
  frame.writeUInt32BE(zlibCrc32(typeAndData), 8 + data.length);
  return new Uint8Array(frame);
}

/** A PNG skeleton (a 1x1 header, no pixels needed by the text reader) around the given chunks. */
const pngWith = (...chunks: Uint8Array[]) =>
  concat(PNG_SIGNATURE, nodeChunk('IHDR', new Uint8Array(13)), ...chunks, nodeChunk('IEND', new Uint8Array(0)));

describe('crc32', () => {
  it('matches the CRC-32 check value and node:zlib on random data, also when continued', () => {
    expect(crc32(latin1('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = new Uint8Array(10_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    expect(crc32(data)).toBe(zlibCrc32(data));
    expect(crc32(data.subarray(4000), crc32(data.subarray(0, 4000)))).toBe(zlibCrc32(data));
  });
});

describe('frameChunk', () => {
  it('frames length, type, data and CRC exactly as an independent writer does', () => {
    const data = latin1('parameters\0hello');
    expect(Buffer.from(frameChunk({ type: 'tEXt', data }))).toEqual(Buffer.from(nodeChunk('tEXt', data)));
  });
});

describe('textChunk', () => {
  it('writes Latin-1 text as tEXt: keyword, NUL, Latin-1 bytes', () => {
    const chunk = textChunk('parameters', 'café, 7.5');
    expect(chunk.type).toBe('tEXt');
    expect(Buffer.from(chunk.data)).toEqual(Buffer.concat([latin1('parameters'), nul, latin1('café, 7.5')]));
  });

  it('writes other text as uncompressed UTF-8 iTXt with empty language and translated keyword (as PIL)', () => {
    const chunk = textChunk('parameters', '猫 🐱');
    expect(chunk.type).toBe('iTXt');
    expect(Buffer.from(chunk.data)).toEqual(
      Buffer.concat([latin1('parameters'), Uint8Array.of(0, 0, 0, 0, 0), Buffer.from('猫 🐱', 'utf8')]),
    );
  });

  it.each(['', ' lead', 'trail ', 'dou  ble', 'x'.repeat(80), 'ctl\n', 'nul\0'])('rejects the keyword %j', (keyword) => {
    expect(() => textChunk(keyword, 'v')).toThrow(PngFormatError);
  });
});

describe('readPngText', () => {
  it('reads tEXt, zTXt, and compressed and uncompressed iTXt written by an independent writer', async () => {
    const png = pngWith(
      nodeChunk('tEXt', concat(latin1('Title'), nul, latin1('Ünïcode in Latin-1'))),
      nodeChunk('zTXt', concat(latin1('Comment'), nul, nul, deflateSync(latin1('squeezed ©')))),
      nodeChunk('iTXt', concat(latin1('parameters'), Uint8Array.of(0, 1, 0), latin1('ja'), nul, Buffer.from('題', 'utf8'), nul, deflateSync(Buffer.from('猫が座る', 'utf8')))),
      nodeChunk('iTXt', concat(latin1('plain'), Uint8Array.of(0, 0, 0, 0, 0), Buffer.from('ü 🐱', 'utf8'))),
    );
    expect({ ...(await readPngText(png)) }).toEqual({
      Title: 'Ünïcode in Latin-1',
      Comment: 'squeezed ©',
      parameters: '猫が座る',
      plain: 'ü 🐱',
    });
  });

  it('accepts a Blob and an ArrayBuffer, and keeps the last text of a repeated keyword (as PIL)', async () => {
    const png = pngWith(
      nodeChunk('tEXt', concat(latin1('k'), nul, latin1('first'))),
      nodeChunk('tEXt', concat(latin1('k'), nul, latin1('second'))),
    );
    expect((await readPngText(new Blob([png]))).k).toBe('second');
    expect((await readPngText(png.slice().buffer)).k).toBe('second');
  });

  it('skips a text chunk with a bad CRC or a broken layout instead of failing the file', async () => {
    const damaged = nodeChunk('tEXt', concat(latin1('bad'), nul, latin1('crc')));
    damaged[damaged.length - 1] ^= 0xff;
    const png = pngWith(
      damaged,
      nodeChunk('tEXt', latin1('no separator')),
      nodeChunk('zTXt', concat(latin1('z'), nul, nul, latin1('not zlib'))),
      nodeChunk('tEXt', concat(latin1('good'), nul, latin1('yes'))),
    );
    expect({ ...(await readPngText(png)) }).toEqual({ good: 'yes' });
  });

  it('throws PngFormatError for bytes that are not a PNG or are cut inside a chunk', async () => {
    await expect(readPngText(latin1('GIF89a not a png'))).rejects.toThrow(PngFormatError);
    const png = pngWith(nodeChunk('tEXt', concat(latin1('k'), nul, latin1('value'))));
    // signature 8 + IHDR 25, then the tEXt chunk: cut inside its data, then inside its length and type.
    await expect(readPngText(png.subarray(0, 8 + 25 + 14))).rejects.toThrow(/cut short inside its tEXt chunk/);
    await expect(readPngText(png.subarray(0, 8 + 25 + 6))).rejects.toThrow(PngFormatError);
  });

  it('reports a damaged chunk through crcValid', () => {
    const png = pngWith(nodeChunk('tEXt', concat(latin1('k'), nul, latin1('v'))));
    png[8 + 25 + 9] ^= 1;
    expect(readChunks(png).map((chunk) => [chunk.type, chunk.crcValid])).toEqual([
      ['IHDR', true],
      ['tEXt', false],
      ['IEND', true],
    ]);
  });
});
