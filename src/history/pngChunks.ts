// PNG chunk plumbing (PNG spec, W3C REC-PNG 2003, sections 5 and 11.3.4): CRC-32, chunk framing, and the three
// text chunks — written as PIL writes them (tEXt for Latin-1, else uncompressed UTF-8 iTXt), read in all forms.

export const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The bytes are not a PNG, or its structure is broken before any text could be read. */
export class PngFormatError extends Error {
  readonly code = 'invalid_png';
  constructor(message: string) {
    super(message);
    this.name = 'PngFormatError';
  }
}

/** CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), the table-driven form of PNG spec Annex D. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes`, continuing from `crc` (the CRC of the bytes before, 0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

/** A chunk as read from a file, with whether its stored CRC matches. */
export interface ReadChunk extends PngChunk {
  crcValid: boolean;
}

function typeBytes(type: string): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new PngFormatError(`A chunk type is 4 ASCII letters, got ${JSON.stringify(type)}.`);
  return Uint8Array.from(type, (char) => char.charCodeAt(0));
}

/** One framed chunk: length, type, data, and the CRC over type and data. */
export function frameChunk(chunk: PngChunk): Uint8Array<ArrayBuffer> {
  const { data } = chunk;
  const framed = new Uint8Array(12 + data.length);
  const view = new DataView(framed.buffer);
  view.setUint32(0, data.length);
  framed.set(typeBytes(chunk.type), 4);
  framed.set(data, 8);
  view.setUint32(8 + data.length, crc32(framed.subarray(4, 8 + data.length)));
  return framed;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/**
 * A text chunk for `keyword` = `text`, as PIL `PngInfo.add_text` (what A1111 saves with) builds it: tEXt when
 * the text is Latin-1, else iTXt with no compression, empty language tag and empty translated keyword.
 */
export function textChunk(keyword: string, text: string): PngChunk {
  // Spec 11.3.4.2: 1-79 printable Latin-1 characters or spaces, no leading, trailing or doubled spaces.
  const printable = /^[\x20-\x7e\xa1-\xff]+$/.test(keyword);
  if (!printable || keyword.length > 79 || keyword !== keyword.trim() || keyword.includes('  ')) {
    throw new PngFormatError(`A PNG text keyword is 1-79 printable Latin-1 characters, got ${JSON.stringify(keyword)}.`);
  }
  const key = latin1Bytes(keyword);
  if (isLatin1(text)) {
    const value = latin1Bytes(text);
    const data = new Uint8Array(key.length + 1 + value.length);
    data.set(key);
    data.set(value, key.length + 1);
    return { type: 'tEXt', data };
  }
  const value = new TextEncoder().encode(text);
  // keyword NUL, compression flag 0, method 0, language "" NUL, translated keyword "" NUL, then the text.
  const data = new Uint8Array(key.length + 5 + value.length);
  data.set(key);
  data.set(value, key.length + 5);
  return { type: 'iTXt', data };
}

/**
 * Every chunk after the signature, up to IEND. Throws PngFormatError for a missing signature or a cut chunk; a
 * CRC mismatch is reported per chunk, so a reader can skip a damaged ancillary chunk as libpng does.
 */
export function readChunks(bytes: Uint8Array): ReadChunk[] {
  if (bytes.length < 8 || PNG_SIGNATURE.some((value, i) => bytes[i] !== value)) {
    throw new PngFormatError('The file is not a PNG: it does not start with the PNG signature.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: ReadChunk[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    // Each chunk: 4-byte length, 4-byte type, data, 4-byte CRC.
    if (offset + 12 > bytes.length) throw new PngFormatError('The PNG is cut short inside its last chunk.');
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw new PngFormatError(`The PNG is cut short inside its ${type} chunk.`);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crcValid = crc32(bytes.subarray(offset + 4, offset + 8 + length)) === view.getUint32(offset + 8 + length);
    chunks.push({ type, data, crcValid });
    if (type === 'IEND') break;
    offset = end;
  }
  return chunks;
}

/** zlib (RFC 1950) inflate with the platform's DecompressionStream ('deflate' is the zlib-wrapped format). */
export async function inflate(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** zlib (RFC 1950) deflate with the platform's CompressionStream. */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const latin1Decoder = new TextDecoder('latin1');
const utf8Decoder = new TextDecoder('utf-8');

/** keyword and text of one text chunk; null for a malformed chunk (skipped rather than failing the file). */
async function decodeTextChunk(chunk: PngChunk): Promise<[string, string] | null> {
  const { type, data } = chunk;
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1) return null;
  const keyword = latin1Decoder.decode(data.subarray(0, keywordEnd));
  try {
    if (type === 'tEXt') return [keyword, latin1Decoder.decode(data.subarray(keywordEnd + 1))];
    if (type === 'zTXt') {
      // keyword NUL, compression method (0 = zlib), compressed Latin-1 text.
      if (data[keywordEnd + 1] !== 0) return null;
      return [keyword, latin1Decoder.decode(await inflate(data.subarray(keywordEnd + 2)))];
    }
    // iTXt: keyword NUL, compression flag, method, language tag NUL, translated keyword NUL, UTF-8 text.
    const compressed = data[keywordEnd + 1] === 1;
    const languageEnd = data.indexOf(0, keywordEnd + 3);
    const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
    if (translatedEnd < 0 || (compressed && data[keywordEnd + 2] !== 0)) return null;
    const text = data.subarray(translatedEnd + 1);
    return [keyword, utf8Decoder.decode(compressed ? await inflate(text) : text)];
  } catch {
    return null;
  }
}

/**
 * Every tEXt, zTXt and iTXt chunk of a PNG as keyword -> text (a repeated keyword keeps its last text, as PIL's
 * `info` does). Throws PngFormatError when the bytes are not a PNG; damaged or malformed text chunks are skipped.
 */
export async function readPngText(png: Blob | ArrayBuffer | Uint8Array): Promise<Record<string, string>> {
  const bytes = png instanceof Uint8Array ? png : new Uint8Array(png instanceof Blob ? await png.arrayBuffer() : png);
  // No prototype: a keyword such as "__proto__" stays an ordinary entry.
  const texts: Record<string, string> = Object.create(null);
  for (const chunk of readChunks(bytes)) {
    if (!chunk.crcValid || (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt')) continue;
    const entry = await decodeTextChunk(chunk);
    if (entry) texts[entry[0]] = entry[1];
  }
  return texts;
}
