// A generation request made ready for the wire, or refused before anything is sent: the shared validation against
// the remote API's own schema, then the images encoded as PNG data URLs (the mask flattened to black/white at the
// image's size), each checked as the server will check it, warned about when large and refused above 10 MB.
import { describeValue, type FieldError } from '../../predictions/errors';
import type { ModeSchema } from '../../predictions/modelSchemas';
import type { ResolvedSettings } from '../../predictions/PredictionInput';
import type { RgbaImage } from '../../predictions/rgbaImage';
import { validateInput, type ImageChecker } from '../../predictions/validateInput';
import { checkWireImage, MAX_DATA_URL_BYTES } from '../../predictions/wireImages';
import { encodePng } from '../../history/encodePng';
import type { GenerationRequest } from '../Generator';
import { bytesToBase64 } from './bytesToBase64';
import { flattenMask } from './flattenMask';
import { RemoteError } from './RemoteError';

/** Above this an upload is slow on a phone's connection: the prediction logs say so. */
export const LARGE_UPLOAD_BYTES = 300 * 1024;

export interface WireUpload {
  dataUrl: string;
  width: number;
  height: number;
  /** PNG size in bytes. */
  bytes: number;
}

export interface RemoteInput {
  settings: ResolvedSettings;
  image?: WireUpload;
  mask?: WireUpload;
}

const isPixels = (value: unknown): value is RgbaImage => {
  if (typeof value !== 'object' || value === null) return false;
  const { width, height, data } = value as { width: unknown; height: unknown; data: unknown };
  if (!Number.isInteger(width) || !Number.isInteger(height) || (width as number) < 1 || (height as number) < 1) return false;
  return (data instanceof Uint8ClampedArray || data instanceof Uint8Array) && data.length === (width as number) * (height as number) * 4;
};

const checkPixels: ImageChecker<RgbaImage> = (value) =>
  isPixels(value) ? { image: value } : { problem: `expected decoded RGBA pixels (width, height and width x height x 4 bytes), got ${describeValue(value)}` };

const invalid = (errors: FieldError[]) => new RemoteError('invalid_input', errors.map((e) => e.message).join('; '), { fieldErrors: errors });

/** Checks everything that can be checked without encoding; `extraChecks` adds an API's own rules (v3: image size). */
export function validateRemoteInput(
  request: GenerationRequest,
  schema: ModeSchema,
  extraChecks: (settings: ResolvedSettings, image?: RgbaImage) => FieldError[] = () => [],
): { settings: ResolvedSettings; image?: RgbaImage; mask?: RgbaImage } {
  const result = validateInput(request.input, schema, checkPixels);
  if (!result.ok) throw invalid(result.errors);
  const { settings, image, mask } = result.value;
  const errors: FieldError[] = [];
  if (image && mask && (mask.width !== image.width || mask.height !== image.height)) {
    const expected = `an image the size of image (${image.width}x${image.height})`;
    const got = `${mask.width}x${mask.height}`;
    errors.push({ field: 'mask', expected, got, message: `mask: expected ${expected}, got ${got}` });
  }
  errors.push(...extraChecks(settings, image));
  if (errors.length > 0) throw invalid(errors);
  return { settings, image, mask };
}

async function upload(field: 'image' | 'mask', pixels: RgbaImage, log: (line: string) => void): Promise<WireUpload> {
  const png = new Uint8Array(await (await encodePng(pixels)).arrayBuffer());
  const megabytes = (png.length / 1e6).toFixed(1);
  if (png.length > MAX_DATA_URL_BYTES) {
    const expected = 'an image of at most 10 MB as PNG';
    throw invalid([{ field, expected, got: `${megabytes} MB`, message: `${field}: expected ${expected}, got ${megabytes} MB` }]);
  }
  if (png.length > LARGE_UPLOAD_BYTES) log(`Warning: ${field} is ${Math.round(png.length / 1024)} KB as PNG; uploads this large are slow (the limit is 10 MB).`);
  const dataUrl = `data:image/png;base64,${bytesToBase64(png)}`;
  // The same check the server runs: what we send must be what it accepts.
  const checked = checkWireImage(field, dataUrl);
  if ('problem' in checked) throw invalid([{ field, expected: 'an image', got: checked.problem, message: checked.problem }]);
  return { dataUrl, width: pixels.width, height: pixels.height, bytes: png.length };
}

/** The validated images as data URLs; the mask as opaque black/white (white = repaint). */
export async function encodeRemoteInput(valid: { settings: ResolvedSettings; image?: RgbaImage; mask?: RgbaImage }, log: (line: string) => void): Promise<RemoteInput> {
  const input: RemoteInput = { settings: valid.settings };
  if (valid.image) input.image = await upload('image', valid.image, log);
  if (valid.mask) input.mask = await upload('mask', flattenMask(valid.mask), log);
  return input;
}
