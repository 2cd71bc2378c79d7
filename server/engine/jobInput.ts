// Turns a prediction input as the API received it (images as data URLs or http(s) URLs) into the engine's input
// (images as RGBA pixels), inside the worker so downloading and decoding never block the server's event loop.
import type { EngineInput } from '../../src/engine';
import { checkWireImage } from '../../src/predictions/wireImages';
import { decodeImage, ImageDecodeError } from './decodeImage';
import { fetchImageBytes } from './fetchImage';
import type { ImageLimits } from './workerProtocol';

async function readImage(field: 'image' | 'mask', value: unknown, limits: ImageLimits, signal: AbortSignal) {
  const checked = checkWireImage(field, value);
  // The API checked it already; a second check keeps the worker safe when it is handed something else.
  if ('problem' in checked) throw new ImageDecodeError(checked.problem);
  const wire = checked.image;
  const bytes =
    wire.kind === 'data' ? wire.bytes : await fetchImageBytes(field, wire.url, { maxBytes: limits.maxBytes, timeoutMs: limits.fetchTimeoutMs }, signal);
  return decodeImage(field, bytes, limits.maxPixels);
}

export async function resolveJobInput(
  input: Record<string, unknown>,
  seed: number,
  limits: ImageLimits,
  signal: AbortSignal,
): Promise<EngineInput> {
  const { image, mask, ...fields } = input;
  const resolved: EngineInput = { ...(fields as EngineInput), seed };
  if (image !== undefined && image !== null) resolved.image = await readImage('image', image, limits, signal);
  if (mask !== undefined && mask !== null) resolved.mask = await readImage('mask', mask, limits, signal);
  return resolved;
}
