// Reads the settings the CLIP tokenizer needs from the texts of a Hugging Face `tokenizer/` folder (vocab.json,
// tokenizer_config.json, special_tokens_map.json), resolving them the way transformers' `from_pretrained` does.
import { EngineError, describeValue } from '../errors';

/** The texts of a Hugging Face `tokenizer/` folder; the two JSON configs are optional. */
export interface TokenizerFolderTexts {
  vocab: string;
  merges: string;
  tokenizerConfig?: string;
  specialTokensMap?: string;
}

/** CLIP's text encoder has 77 position embeddings; a longer `model_max_length` cannot be honoured. */
export const CLIP_CONTEXT_LENGTH = 77;

type JsonObject = Record<string, unknown>;

export function parseJsonObject(text: string, fileName: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_config', `${fileName}: expected JSON, got a parse error (${(error as Error).message}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EngineError('invalid_config', `${fileName}: expected a JSON object, got ${describeValue(value)}.`);
  }
  return value as JsonObject;
}

/** vocab.json: token text → id. */
export function parseVocab(text: string): Record<string, number> {
  return parseJsonObject(text, 'vocab.json') as Record<string, number>;
}

/** A special token as configs write it: a string, or an AddedToken object `{ content, ... }`; null means unset. */
function tokenText(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as JsonObject).content === 'string') return (value as JsonObject).content as string;
  throw new EngineError('invalid_config', `${where}: expected a token string or an object with "content", got ${describeValue(value)}.`);
}

/**
 * The pad token text, or undefined when neither file names one. transformers `_from_pretrained` lets
 * special_tokens_map.json override tokenizer_config.json only for configs saved in the legacy layout, those
 * without `added_tokens_decoder`; that override is how SD 2.x folders (config "<|endoftext|>", map "!") pad with "!".
 */
export function resolvePadToken(config: JsonObject, specialTokensMap: JsonObject): string | undefined {
  const fromConfig = tokenText(config.pad_token, 'tokenizer_config.json pad_token');
  if ('added_tokens_decoder' in config) return fromConfig;
  return tokenText(specialTokensMap.pad_token, 'special_tokens_map.json pad_token') ?? fromConfig;
}

/**
 * `model_max_length` when it is usable, undefined for the CLIP default. Values above 77 include transformers'
 * "unset" sentinel (1e30, VERY_LARGE_INTEGER) and cannot exceed the text encoder's positions, so they mean 77.
 */
export function resolveModelMaxLength(config: JsonObject): number | undefined {
  const value = config.model_max_length;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && value > CLIP_CONTEXT_LENGTH) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 2) return value;
  throw new EngineError(
    'invalid_config',
    `tokenizer_config.json model_max_length: expected an integer from 2 to ${CLIP_CONTEXT_LENGTH} (or larger, meaning ${CLIP_CONTEXT_LENGTH}), got ${describeValue(value)}.`,
  );
}
