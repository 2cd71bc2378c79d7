// Counts a prompt's CLIP tokens on the main thread, with the selected model's own tokenizer read from the weight
// store, for the counter next to the Prompt box: "N/75", and which words fall past the 75-token window (cut, as
// Replicate and diffusers do) — or, with A1111 prompt syntax on, how many 75-token chunks the prompt fills.
import { chunkPrompt, ClipTokenizer, parsePromptAttention } from '../engine';
import type { PromptWeighting } from '../predictions/backends';
import { readStoredFile } from '../models/readStoredFile';
import type { WeightStore } from '../models/weightStore';

export interface TokenCount {
  count: number;
  /** 75, or with A1111 syntax 75 per chunk used. */
  max: number;
  /** The words that don't fit the window and are dropped (plain reading only). */
  cutText?: string;
}

const tokenizers = new Map<string, Promise<ClipTokenizer | null>>();

/** The model's tokenizer, or null when its tokenizer files aren't stored (yet). */
export function tokenizerFor(store: WeightStore, modelId: string): Promise<ClipTokenizer | null> {
  let pending = tokenizers.get(modelId);
  if (!pending) {
    const text = (path: string) => readStoredFile(store, modelId, path).then((bytes) => new TextDecoder().decode(bytes));
    const optional = (path: string) => text(path).catch(() => undefined);
    pending = Promise.all([text('tokenizer/vocab.json'), text('tokenizer/merges.txt'), optional('tokenizer/tokenizer_config.json'), optional('tokenizer/special_tokens_map.json')])
      .then(([vocab, merges, tokenizerConfig, specialTokensMap]) => ClipTokenizer.fromTokenizerFiles({ vocab, merges, tokenizerConfig, specialTokensMap }))
      .catch(() => {
        tokenizers.delete(modelId);
        return null;
      });
    tokenizers.set(modelId, pending);
  }
  return pending;
}

export function countTokens(tokenizer: ClipTokenizer, prompt: string, weighting: PromptWeighting): TokenCount {
  const window = tokenizer.maxLength - 2;
  if (weighting === 'a1111') {
    const chunks = chunkPrompt(tokenizer, parsePromptAttention(prompt));
    return { count: chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0), max: chunks.length * window };
  }
  const count = tokenizer.encode(prompt).length;
  if (count <= window) return { count, max: window };
  // The longest run of whole words that fits: everything after it is cut.
  const words = [...prompt.matchAll(/\S+/g)];
  let low = 0;
  let high = words.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const end = words[mid - 1].index! + words[mid - 1][0].length;
    if (tokenizer.encode(prompt.slice(0, end)).length <= window) low = mid;
    else high = mid - 1;
  }
  const cutFrom = low < words.length ? words[low].index! : prompt.length;
  return { count, max: window, cutText: prompt.slice(cutFrom).trim() };
}
