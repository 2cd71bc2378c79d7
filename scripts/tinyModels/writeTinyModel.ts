// Assembles one tiny model folder in the diffusers ONNX layout (four graphs, tokenizer, scheduler, configs) plus a
// manifest.json listing every file with its size and SHA-256, and writes it to disk unless it is already there.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  modelIndex,
  SCHEDULER_CONFIG,
  SPECIAL_TOKENS_MAP,
  TOKENIZER_CONFIG,
  textEncoderConfig,
  unetConfig,
  vaeConfig,
} from './configs';
import { encodeModel, moveToExternalData } from './onnxBuilder';
import { buildTextEncoder } from './textEncoder';
import { buildUnet } from './unet';
import { buildVaeDecoder } from './vaeDecoder';
import { buildVaeEncoder } from './vaeEncoder';
import type { TinyModelVariant } from './variants';

/** The CLIP BPE files every SD 1.x tokenizer folder holds, copied byte for byte. */
const CLIP_FIXTURES = fileURLToPath(new URL('../../test/fixtures/clip/', import.meta.url));
const UNET_EXTERNAL_DATA = 'model.onnx_data';

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface TinyModelManifest {
  name: string;
  files: ManifestEntry[];
}

/** diffusers and transformers save configs as 2-space-indented JSON with a trailing newline. */
function jsonFile(value: object): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file of the variant's folder, keyed by its path relative to the folder (manifest excluded). */
export async function tinyModelFiles(variant: TinyModelVariant): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  files.set('model_index.json', jsonFile(modelIndex(variant)));
  files.set('scheduler/scheduler_config.json', jsonFile(SCHEDULER_CONFIG));
  for (const name of ['vocab.json', 'merges.txt']) {
    files.set(`tokenizer/${name}`, await readFile(join(CLIP_FIXTURES, name)));
  }
  files.set('tokenizer/tokenizer_config.json', jsonFile(TOKENIZER_CONFIG));
  files.set('tokenizer/special_tokens_map.json', jsonFile(SPECIAL_TOKENS_MAP));

  files.set('text_encoder/model.onnx', encodeModel(buildTextEncoder(variant)));
  files.set('text_encoder/config.json', jsonFile(textEncoderConfig(variant)));
  const unet = buildUnet(variant);
  if (variant.unetExternalData) files.set(`unet/${UNET_EXTERNAL_DATA}`, moveToExternalData(unet, UNET_EXTERNAL_DATA));
  files.set('unet/model.onnx', encodeModel(unet));
  files.set('unet/config.json', jsonFile(unetConfig(variant)));
  files.set('vae_decoder/model.onnx', encodeModel(buildVaeDecoder(variant)));
  files.set('vae_decoder/config.json', jsonFile(vaeConfig()));
  files.set('vae_encoder/model.onnx', encodeModel(buildVaeEncoder(variant)));
  files.set('vae_encoder/config.json', jsonFile(vaeConfig()));
  return files;
}

/** The tiny TAESD stand-in's folder: just `vae_decoder/`, as the TAESD ONNX exports ship it. */
export function tinyTaesdFiles(variant: TinyModelVariant): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  files.set('vae_decoder/model.onnx', encodeModel(buildVaeDecoder(variant, true)));
  files.set('vae_decoder/config.json', jsonFile({ _class_name: 'AutoencoderTiny', latent_channels: 4, scaling_factor: 1.0 }));
  return files;
}

export function manifestOf(name: string, files: ReadonlyMap<string, Uint8Array>): TinyModelManifest {
  const paths = [...files.keys()].sort();
  const entry = (path: string) => ({ path, size: files.get(path)!.length, sha256: sha256(files.get(path)!) });
  return { name, files: paths.map(entry) };
}

async function readIfPresent(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

/** Whether `dir` already holds exactly this manifest and every file it lists, byte for byte. */
async function isUpToDate(dir: string, manifestBytes: Uint8Array, manifest: TinyModelManifest): Promise<boolean> {
  const existing = await readIfPresent(join(dir, 'manifest.json'));
  if (!existing || !existing.equals(manifestBytes)) return false;
  for (const entry of manifest.files) {
    const bytes = await readIfPresent(join(dir, entry.path));
    if (!bytes || bytes.length !== entry.size || sha256(bytes) !== entry.sha256) return false;
  }
  return true;
}

/** Writes through a temporary file and a rename, so a reader never sees a half-written file. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

/** The tiny TAESD stand-in's folder name, beside the variants. */
export const TINY_TAESD = 'tiny-taesd';

export interface WriteResult {
  variant: string;
  directory: string;
  written: boolean;
  totalBytes: number;
}

/** Writes the variant into `dir` (manifest last, so a partly written folder never looks complete). */
export async function writeTinyModel(dir: string, variant: TinyModelVariant, taesd = false): Promise<WriteResult> {
  const files = taesd ? tinyTaesdFiles(variant) : await tinyModelFiles(variant);
  const manifest = manifestOf(taesd ? TINY_TAESD : variant.name, files);
  const manifestBytes = jsonFile(manifest);
  const totalBytes = manifest.files.reduce((sum, entry) => sum + entry.size, manifestBytes.length);
  const result = { variant: variant.name, directory: dir, totalBytes };
  if (await isUpToDate(dir, manifestBytes, manifest)) return { ...result, written: false };
  for (const [path, bytes] of files) await writeAtomically(join(dir, path), bytes);
  await writeAtomically(join(dir, 'manifest.json'), manifestBytes);
  return { ...result, written: true };
}
