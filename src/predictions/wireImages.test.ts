// The wire image check shared by the remote clients and the server: real PNG, JPEG and WebP files are read down to
// their size; other schemes, other data and broken base64 are refused naming the field.
import { describe, expect, it } from 'vitest';
import { encodePng } from '../history/encodePng';
import { checkWireImage, decodeBase64 } from './wireImages';

const dataUrl = (mime: string, bytes: Uint8Array) => `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
// A 1x1 JPEG (baseline, SOF0) and a 1x1 lossless WebP (VP8L), as image tools write them.
const JPEG_1x1 = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=', 'base64');
const WEBP_1x1 = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

describe('checkWireImage', () => {
  it('reads a PNG the project encodes, down to its size', async () => {
    const png = new Uint8Array(await (await encodePng({ width: 3, height: 2, data: new Uint8ClampedArray(24).fill(200) })).arrayBuffer());
    expect(checkWireImage('image', dataUrl('image/png', png))).toMatchObject({ image: { kind: 'data', format: 'png', width: 3, height: 2 } });
  });

  it('reads JPEG and WebP headers', () => {
    expect(checkWireImage('image', dataUrl('image/jpeg', JPEG_1x1))).toMatchObject({ image: { format: 'jpeg', width: 1, height: 1 } });
    expect(checkWireImage('mask', dataUrl('image/webp', WEBP_1x1))).toMatchObject({ image: { format: 'webp', width: 1, height: 1 } });
  });

  it('accepts http(s) URLs as they are', () => {
    expect(checkWireImage('image', 'https://example.com/a.png')).toEqual({ image: { kind: 'url', url: 'https://example.com/a.png' } });
  });

  it('refuses other schemes, non-image data, a mislabelled image and broken base64, naming the field', () => {
    expect(checkWireImage('image', 'javascript:alert(1)')).toEqual({ problem: expect.stringMatching(/^image: expected .*, got a "javascript:" URL$/) });
    expect(checkWireImage('mask', 'file:///etc/passwd')).toEqual({ problem: expect.stringContaining('got a "file:" URL') });
    expect(checkWireImage('image', dataUrl('application/pdf', Buffer.from('%PDF-1.4')))).toEqual({ problem: expect.stringContaining('got a data URL of application/pdf') });
    expect(checkWireImage('image', dataUrl('image/png', Buffer.from('%PDF-1.4 not a png at all, just text')))).toEqual({ problem: 'image: expected a PNG image, got data that is not one' });
    expect(checkWireImage('image', 'data:image/png;base64,!!!notbase64')).toEqual({ problem: 'image: expected valid base64 image data, got undecodable base64' });
    expect(checkWireImage('image', 42)).toEqual({ problem: expect.stringContaining('got number') });
  });

  it('refuses data URLs over 10 MB', () => {
    expect(checkWireImage('image', `data:image/png;base64,${'A'.repeat(14_000_100)}`)).toEqual({ problem: expect.stringMatching(/^image: expected an image of at most 10 MB/) });
  });
});

describe('decodeBase64', () => {
  it('decodes what Node encodes, and refuses a wrong length', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    expect(decodeBase64('QUJD\nREVG')).toEqual(new TextEncoder().encode('ABCDEF'));
    expect(decodeBase64('QUJDR')).toBeNull();
  });
});
