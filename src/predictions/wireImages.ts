// Images as they travel on the wire (Replicate's `image` and `mask` fields, the v3 API's `init_image`): http(s)
// URLs, or data URLs of PNG, JPEG or WebP whose bytes really are such an image (the header parsed down to its
// size). Everything else is refused naming the field: javascript: and other schemes, a PDF, broken base64.
// Shared by the remote clients and the prediction server, in the browser and in Node.

export type WireImageFormat = 'png' | 'jpeg' | 'webp';

export type WireImage =
  | { kind: 'url'; url: string }
  | { kind: 'data'; format: WireImageFormat; bytes: Uint8Array; width: number; height: number };

export type WireImageCheck = { image: WireImage } | { problem: string };

/** The largest data URL accepted: about 10 MB of image (base64 is 4/3 of that). */
export const MAX_DATA_URL_BYTES = 10 * 1024 * 1024;

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 → bytes, or null when it is not valid base64 (wrong characters, wrong length). */
export function decodeBase64(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '');
  if (!BASE64.test(clean) || clean.length % 4 === 1) return null;
  try {
    const binary = atob(clean);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const ascii = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));

/** Width and height from an image's header, or null when the bytes are not a well-formed image of that format. */
export function imageSize(format: WireImageFormat, b: Uint8Array): { width: number; height: number } | null {
  if (format === 'png') {
    // Signature, then the IHDR chunk first (length 13): width and height as big-endian 32-bit integers.
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (b.length < 33 || signature.some((v, i) => b[i] !== v) || ascii(b, 12, 4) !== 'IHDR') return null;
    return { width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (format === 'jpeg') {
    // SOI, then segments until a start-of-frame marker (SOF0–SOF15 but DHT/JPG/DAC) carrying height and width.
    if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
    for (let at = 2; at + 9 < b.length; ) {
      if (b[at] !== 0xff) return null;
      const marker = b[at + 1];
      if (marker === 0xff) {
        at += 1;
        continue;
      }
      const length = u16be(b, at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: u16be(b, at + 7), height: u16be(b, at + 5) };
      }
      at += 2 + length;
    }
    return null;
  }
  // WebP: RIFF container, then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk with the canvas size.
  if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return null;
}

const FORMATS: Record<string, WireImageFormat> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/webp': 'webp' };

/** Checks one image value as an API receives it; `field` names it in the problem ("image: expected …, got …"). */
export function checkWireImage(field: string, value: unknown): WireImageCheck {
  const expected = 'an http(s) URL or a data:image/png, jpeg or webp base64 URL';
  if (typeof value !== 'string' || value === '') return { problem: `${field}: expected ${expected}, got ${typeof value === 'string' ? 'an empty string' : typeof value}` };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      return { image: { kind: 'url', url: new URL(value).href } };
    } catch {
      return { problem: `${field}: expected ${expected}, got a malformed URL` };
    }
  }
  if (scheme !== 'data') return { problem: `${field}: expected ${expected}, got a ${scheme ? `"${scheme}:"` : 'relative'} URL` };
  if (value.length > (MAX_DATA_URL_BYTES * 4) / 3 + 100) return { problem: `${field}: expected an image of at most 10 MB, got ${(value.length * 0.75 / 1e6).toFixed(1)} MB` };
  const match = DATA_URL.exec(value);
  const mime = match?.[1].toLowerCase() ?? '';
  const format = FORMATS[mime];
  if (!match || !format) return { problem: `${field}: expected ${expected}, got a data URL of ${mime || 'no type'}` };
  if (!match[2].toLowerCase().split(';').includes('base64')) return { problem: `${field}: expected a base64 data URL, got one without ;base64` };
  const bytes = decodeBase64(match[3]);
  if (!bytes) return { problem: `${field}: expected valid base64 image data, got undecodable base64` };
  const size = imageSize(format, bytes);
  if (!size || size.width < 1 || size.height < 1) return { problem: `${field}: expected a ${format.toUpperCase()} image, got data that is not one` };
  return { image: { kind: 'data', format, bytes, ...size } };
}
