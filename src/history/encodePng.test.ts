import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../predictions/rgbaImage';
import { encodePng, encodePredictionPng } from './encodePng';
import { readPngText } from './pngChunks';
import { parseParameters } from './pngParameters';

interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  chunkTypes: string[];
  filterTypes: number[];
  texts: { type: string; data: Buffer }[];
  rgba: Uint8Array;
}

/**
 * An independent 8-bit RGB/RGBA PNG decoder (PNG spec sections 5, 9, 11): walks the chunks with node:zlib's CRC,
 * inflates IDAT with node:zlib, and undoes the five filter types, so the encoder is not checked by its own reader.
 */
async function decodePng(blob: Blob): Promise<DecodedPng> {
  const bytes = Buffer.from(await blob.arrayBuffer());
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunkTypes: string[] = [];
  const texts: { type: string; data: Buffer }[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length), `${type} CRC`).toBe(zlibCrc32(bytes.subarray(offset + 4, offset + 8 + length)));
    chunkTypes.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'tEXt' || type === 'iTXt' || type === 'zTXt') texts.push({ type, data });
    offset += 12 + length;
  }
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  const [bitDepth, colorType, compression, filterMethod, interlace] = header!.subarray(8);
  expect([bitDepth, compression, filterMethod, interlace]).toEqual([8, 0, 0, 0]);
  const channels = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = new Uint8Array(height * stride);
  const filterTypes: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    filterTypes.push(filter);
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth][filter];
      expect(predictor, `filter type ${filter}`).toBeDefined();
      pixels[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba[4 * p + k] = pixels[channels * p + k];
    rgba[4 * p + 3] = channels === 4 ? pixels[4 * p + 3] : 255;
  }
  return { width, height, colorType, chunkTypes, filterTypes, texts, rgba };
}

/** A test card with flat, noisy, gradient and repeated rows, so the adaptive filter picks several filter types. */
function testImage(width: number, height: number, alpha: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  let state = 12345;
  const noise = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 24);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = 4 * (y * width + x);
      const band = Math.floor((y * 6) / height);
      const values =
        band === 0 ? [200, 40, 90] // flat colour
        : band === 1 ? [x * 3, y * 5, (x + y) * 2] // linear gradients
        : band === 2 ? [noise(), noise(), noise()] // noise
        : band === 3 ? [(x * 7) & 0xff, 30, 60] // rows repeat exactly
        : band === 4 ? [(x * x + y * y) & 0xff, (x * y) & 0xff, 128] // curved
        : [(x * 9 + y * 3) & 0xff, (x * 2 + y * 11) & 0xff, noise() >> 4];
      data.set([...values, alpha(x, y)], q);
    }
  }
  return { width, height, data };
}

describe('encodePng', () => {
  it('encodes an opaque image as 8-bit RGB whose pixels an independent decoder reads back exactly', async () => {
    const image = testImage(67, 60, () => 255);
    const decoded = await decodePng(await encodePng(image));
    expect(decoded).toMatchObject({ width: 67, height: 60, colorType: 2 });
    expect(decoded.rgba).toEqual(new Uint8Array(image.data.buffer));
    // The card's flat, gradient, noisy and repeated rows make the adaptive choice use all five filter types, so
    // the exact round trip above checks every filter's arithmetic.
    expect([...new Set(decoded.filterTypes)].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps alpha as RGBA when any pixel is not opaque', async () => {
    const image = testImage(33, 24, (x, y) => (x * 8 + y) & 0xff);
    const decoded = await decodePng(await encodePng(image));
    expect(decoded.colorType).toBe(6);
    expect(decoded.rgba).toEqual(new Uint8Array(image.data.buffer));
  });

  it('writes a Latin-1 parameters text as tEXt before IDAT and returns an image/png Blob', async () => {
    const text = 'a café\nSteps: 20, Sampler: Euler, CFG scale: 7';
    const blob = await encodePng(testImage(8, 6, () => 255), { parameters: text });
    expect(blob.type).toBe('image/png');
    const decoded = await decodePng(blob);
    expect(decoded.chunkTypes).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect(decoded.texts[0].data.toString('latin1')).toBe(`parameters\0${text}`);
  });

  it('writes a non-Latin-1 prompt as UTF-8 iTXt that our reader and an independent read agree on', async () => {
    const text = '夕焼けの猫 🐱, watercolor\nSteps: 20, Sampler: Euler, CFG scale: 7';
    const blob = await encodePng(testImage(8, 6, () => 255), { parameters: text });
    const decoded = await decodePng(blob);
    expect(decoded.chunkTypes).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    const { data } = decoded.texts[0];
    expect(data.subarray(0, 15).toString('latin1')).toBe('parameters\0\0\0\0\0');
    expect(data.subarray(15).toString('utf8')).toBe(text);
    expect((await readPngText(blob)).parameters).toBe(text);
  });

  it('rejects a malformed image', async () => {
    await expect(encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(15) })).rejects.toThrow(/needs 16 RGBA bytes/);
  });
});

describe('encodePredictionPng', () => {
  it('embeds A1111 parameters with the image size, readable back into the settings', async () => {
    const image = testImage(16, 24, () => 255);
    const blob = await encodePredictionPng(image, {
      mode: 'image-to-image',
      model: 'tiny-sd',
      noiseDevice: 'cuda',
      settings: {
        prompt: 'a red fox',
        negative_prompt: '',
        width: 768,
        height: 768,
        scheduler: 'K_EULER',
        num_outputs: 1,
        guidance_scale: 7.5,
        num_inference_steps: 25,
        prompt_strength: 0.8,
        seed: 42,
      },
    });
    const parsed = parseParameters((await readPngText(blob)).parameters);
    expect(parsed.size).toEqual({ width: 16, height: 24 });
    expect(parsed.mode).toBe('image-to-image');
    expect(parsed.input).toEqual({
      prompt: 'a red fox',
      negative_prompt: '',
      scheduler: 'K_EULER',
      num_outputs: 1,
      guidance_scale: 7.5,
      num_inference_steps: 25,
      prompt_strength: 0.8,
      seed: 42,
    });
    expect(parsed.noiseDevice).toBe('cuda');
    expect((await decodePng(blob)).rgba).toEqual(new Uint8Array(image.data.buffer));
  });
});
