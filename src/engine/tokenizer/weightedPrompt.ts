// AUTOMATIC1111's prompt syntax, as an opt-in: emphasis — `(word)` ×1.1, `[word]` ÷1.1, `(word:1.5)`, `\(` for a
// literal bracket — and prompts longer than 75 tokens, encoded in chunks of 75 (split at a comma near the end of a
// chunk when there is one, or at BREAK). Same behaviour as A1111's prompt_parser.parse_prompt_attention and
// sd_hijack_clip's tokenize_line; the default path (Replicate, diffusers) uses neither.
import type { ClipTokenizer } from './ClipTokenizer';

export type WeightedText = [text: string, weight: number];

/** `BREAK` in a prompt: its weight marks it, as in A1111. */
export const BREAK_WEIGHT = -1;

/** Escapes, brackets, `:1.3)` closers, runs of plain text and lone colons, in A1111's order of preference. */
const ATTENTION_TOKEN = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/g;
const BREAK_WORD = /\s*\bBREAK\b\s*/;
const ROUND = 1.1;
const SQUARE = 1 / 1.1;

/**
 * The prompt as runs of text with their attention weights; neighbouring runs of equal weight are merged, an
 * unclosed bracket applies to the end of the prompt, and BREAK becomes its own run with weight -1.
 */
export function parsePromptAttention(prompt: string): WeightedText[] {
  const runs: WeightedText[] = [];
  const openRound: number[] = [];
  const openSquare: number[] = [];
  const scaleFrom = (start: number, factor: number) => {
    for (let i = start; i < runs.length; i++) runs[i][1] *= factor;
  };
  for (const match of prompt.matchAll(ATTENTION_TOKEN)) {
    const [token, explicit] = match;
    if (token.startsWith('\\')) runs.push([token.slice(1), 1]);
    else if (token === '(') openRound.push(runs.length);
    else if (token === '[') openSquare.push(runs.length);
    else if (explicit !== undefined && openRound.length > 0) scaleFrom(openRound.pop()!, Number.parseFloat(explicit));
    else if (token === ')' && openRound.length > 0) scaleFrom(openRound.pop()!, ROUND);
    else if (token === ']' && openSquare.length > 0) scaleFrom(openSquare.pop()!, SQUARE);
    else {
      token.split(BREAK_WORD).forEach((part, i) => {
        if (i > 0) runs.push(['BREAK', BREAK_WEIGHT]);
        runs.push([part, 1]);
      });
    }
  }
  for (const start of openRound) scaleFrom(start, ROUND);
  for (const start of openSquare) scaleFrom(start, SQUARE);
  if (runs.length === 0) return [['', 1]];
  const merged: WeightedText[] = [runs[0]];
  for (const run of runs.slice(1)) {
    const last = merged[merged.length - 1];
    if (last[1] === run[1]) last[0] += run[0];
    else merged.push(run);
  }
  return merged;
}

export interface PromptChunk {
  /** start, 75 tokens (padded), end: what the text encoder takes. */
  ids: Int32Array;
  /** One weight per id (1 for start, end and padding). */
  weights: Float32Array;
  /** Prompt tokens in this chunk (before padding). */
  tokenCount: number;
}

/** A1111's comma_padding_backtrack: a chunk that fills up ends after its last comma if that is this close. */
const COMMA_BACKTRACK = 20;

/**
 * Tokenizes weighted runs into chunks of `maxLength - 2` tokens. When a chunk fills up and one of its last 20
 * tokens is a comma, the chunk ends after that comma and the rest moves to the next chunk; BREAK ends a chunk.
 */
export function chunkPrompt(tokenizer: ClipTokenizer, runs: WeightedText[]): PromptChunk[] {
  const length = tokenizer.maxLength - 2;
  const comma = tokenizer.encode(',')[0];
  const chunks: PromptChunk[] = [];
  let tokens: number[] = [];
  let weights: number[] = [];
  let lastComma = -1;
  const close = () => {
    const ids = new Int32Array(tokenizer.maxLength).fill(tokenizer.padTokenId);
    const chunkWeights = new Float32Array(tokenizer.maxLength).fill(1);
    ids[0] = tokenizer.startTokenId;
    ids.set(tokens, 1);
    chunkWeights.set(weights, 1);
    // transformers pads after the end token; A1111 pads a chunk with the end token (SD 1.x) or its pad id.
    ids[tokens.length + 1] = tokenizer.endTokenId;
    if (tokenizer.padTokenId === tokenizer.endTokenId) ids.fill(tokenizer.endTokenId, tokens.length + 1);
    chunks.push({ ids, weights: chunkWeights, tokenCount: tokens.length });
    tokens = [];
    weights = [];
    lastComma = -1;
  };
  for (const [text, weight] of runs) {
    if (weight === BREAK_WEIGHT && text === 'BREAK') {
      close();
      continue;
    }
    for (const token of tokenizer.encode(text)) {
      if (token === comma) lastComma = tokens.length;
      else if (tokens.length === length && lastComma !== -1 && tokens.length - lastComma <= COMMA_BACKTRACK) {
        const moved = tokens.splice(lastComma + 1);
        const movedWeights = weights.splice(lastComma + 1);
        close();
        tokens = moved;
        weights = movedWeights;
      }
      if (tokens.length === length) close();
      tokens.push(token);
      weights.push(weight);
    }
  }
  if (tokens.length > 0 || chunks.length === 0) close();
  return chunks;
}
