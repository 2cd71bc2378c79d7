// The CLIP text tokenizer of Stable Diffusion: prompt → token ids for the text encoder, matching the Hugging Face
// fast CLIP tokenizer (normalizer, pre-tokenizer and byte-level BPE of transformers' `CLIPConverter`).
//
// Which behaviour, and why: openai/CLIP's SimpleTokenizer also runs ftfy.fix_text and html.unescape; the fast
// tokenizer does neither, so "&amp;" stays "&", "amp", ";" and curly quotes stay curly. Diffusers pipelines, the
// runs our users compare images against, tokenize with transformers, and the fast tokenizer is its behaviour that
// does not depend on whether the optional ftfy package happens to be installed.
import { EngineError, describeValue } from '../errors';
import { ByteLevelBpe, vocabularyId } from './ByteLevelBpe';
import {
  CLIP_CONTEXT_LENGTH,
  type TokenizerFolderTexts,
  parseJsonObject,
  parseVocab,
  resolveModelMaxLength,
  resolvePadToken,
} from './tokenizerFolder';

export type { TokenizerFolderTexts };

const START_TOKEN = '<|startoftext|>';
const END_TOKEN = '<|endoftext|>';

/**
 * Unicode White_Space, which is what Oniguruma's `\s` matches in tokenizers' `Replace(\s+, " ")`. JavaScript's
 * `\s` is a different set (it adds U+FEFF and lacks U+0085), so it must not be used here.
 */
const WHITESPACE_RUN = /\p{White_Space}+/gu;
/** `CLIPConverter`'s split pattern: contractions, letter runs, single digits, runs of anything else but spaces. */
const PRE_TOKEN = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+/gu;

/**
 * tokenizers' normalizer sequence NFC → whitespace runs to one space → lower-case. Rust lower-cases one character
 * at a time, while JavaScript's toLowerCase applies the Final_Sigma rule (word-final Σ → ς), so Σ → σ goes first.
 */
function normalize(text: string): string {
  return text.normalize('NFC').replace(WHITESPACE_RUN, ' ').replace(/Σ/g, 'σ').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ClipTokenizerOptions {
  /** Id written after the end token up to `maxLength`; default the `<|endoftext|>` id (the SD 1.x convention). */
  padTokenId?: number;
  /**
   * The pad token by its text, as a tokenizer folder names it ("!" for SD 2.x and SD-Turbo). transformers registers
   * every special token as an added token, so, as there, a pad token other than the start/end tokens is also cut
   * out of prompts: with these models diffusers turns each typed "!" into id 0 (diffusers issue #4153). Give this
   * or `padTokenId`, not both.
   */
  padToken?: string;
  /** Length of `tokenize`'s output, start and end tokens included; default 77. */
  maxLength?: number;
}

export interface TokenizedPrompt {
  /** Exactly `maxLength` ids: start, the prompt's tokens (cut if needed), end, padding. */
  ids: Int32Array;
  /** BPE tokens of the prompt before cutting, start and end excluded (the UI shows it as "80/75"). */
  tokenCount: number;
  /** True when `tokenCount` exceeds the `maxLength - 2` slots, so the end of the prompt was dropped. */
  truncated: boolean;
}

export class ClipTokenizer {
  readonly startTokenId: number;
  readonly endTokenId: number;
  readonly padTokenId: number;
  readonly maxLength: number;
  private readonly bpe: ByteLevelBpe;
  /** Splits normalized text around special tokens; its capture group puts the tokens at odd indices. */
  private readonly specialTokenSplitter: RegExp;
  private readonly specialTokenIds: ReadonlyMap<string, number>;

  private constructor(vocab: ReadonlyMap<string, number>, merges: string, options: ClipTokenizerOptions) {
    this.bpe = new ByteLevelBpe(vocab, merges);
    this.startTokenId = vocabularyId(vocab, START_TOKEN, 'start token');
    this.endTokenId = vocabularyId(vocab, END_TOKEN, 'end token');
    this.maxLength = options.maxLength ?? CLIP_CONTEXT_LENGTH;
    if (!Number.isInteger(this.maxLength) || this.maxLength < 2) {
      throw new EngineError('invalid_config', `maxLength: expected an integer of at least 2 (start and end tokens), got ${describeValue(options.maxLength)}.`);
    }
    if (options.padToken !== undefined && options.padTokenId !== undefined) {
      throw new EngineError('invalid_config', 'padToken and padTokenId: expected at most one of them, got both.');
    }
    const specialTokens = [START_TOKEN, END_TOKEN];
    if (options.padToken !== undefined) {
      this.padTokenId = vocabularyId(vocab, options.padToken, 'pad token');
      if (!specialTokens.includes(options.padToken)) specialTokens.push(options.padToken);
    } else {
      this.padTokenId = options.padTokenId ?? this.endTokenId;
      if (![...vocab.values()].includes(this.padTokenId)) {
        throw new EngineError('invalid_config', `padTokenId: expected a vocabulary id, got ${describeValue(options.padTokenId)}.`);
      }
    }
    // Special tokens are matched in normalized text, leftmost first and longest first at one position (the
    // LeftmostLongest matching of tokenizers' added vocabulary), before the pre-tokenizer sees the pieces between.
    const specialTokenIds = new Map<string, number>();
    // Matched in the text as typed, case and all, as the Hugging Face fast tokenizer matches its added tokens:
    // "<|ENDOFTEXT|>" is ordinary text there, split into BPE pieces, not the end token.
    for (const token of specialTokens) specialTokenIds.set(token, vocab.get(token) as number);
    this.specialTokenIds = specialTokenIds;
    const alternatives = [...specialTokenIds.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.specialTokenSplitter = new RegExp(`(${alternatives.join('|')})`, 'u');
  }

  /** Builds the tokenizer from vocab.json (already parsed) and the text of merges.txt. */
  static fromVocab(vocab: Record<string, number>, merges: string, options: ClipTokenizerOptions = {}): ClipTokenizer {
    const entries = new Map<string, number>();
    for (const token in vocab) {
      const id = vocab[token];
      if (!Number.isInteger(id) || id < 0) {
        throw new EngineError('invalid_config', `vocab.json ${JSON.stringify(token)}: expected a non-negative integer id, got ${describeValue(id)}.`);
      }
      entries.set(token, id);
    }
    return new ClipTokenizer(entries, merges, options);
  }

  /** Builds the tokenizer from the texts of a Hugging Face `tokenizer/` folder (pad token and length included). */
  static fromTokenizerFiles(files: TokenizerFolderTexts): ClipTokenizer {
    const config = files.tokenizerConfig === undefined ? {} : parseJsonObject(files.tokenizerConfig, 'tokenizer_config.json');
    const specialTokensMap =
      files.specialTokensMap === undefined ? {} : parseJsonObject(files.specialTokensMap, 'special_tokens_map.json');
    return ClipTokenizer.fromVocab(parseVocab(files.vocab), files.merges, {
      padToken: resolvePadToken(config, specialTokensMap),
      maxLength: resolveModelMaxLength(config),
    });
  }

  /** The prompt's token ids, without start, end or padding. */
  encode(text: string): number[] {
    if (typeof text !== 'string') {
      throw new EngineError('invalid_input', `prompt: expected a string, got ${describeValue(text)}.`);
    }
    const ids: number[] = [];
    const pieces = text.split(this.specialTokenSplitter);
    for (let i = 0; i < pieces.length; i++) {
      if (i % 2 === 1) {
        ids.push(this.specialTokenIds.get(pieces[i]) as number);
        continue;
      }
      for (const word of normalize(pieces[i]).matchAll(PRE_TOKEN)) this.bpe.encodeWord(word[0], ids);
    }
    return ids;
  }

  /** The text encoder's input: exactly `maxLength` ids (see `tokenizeWithInfo`). */
  tokenize(text: string): Int32Array {
    return this.tokenizeWithInfo(text).ids;
  }

  /**
   * Start token, the prompt's tokens, end token, then padding to `maxLength`. A longer prompt is cut so the end
   * token stays last, as transformers does with `truncation=True, max_length=77`.
   */
  tokenizeWithInfo(text: string): TokenizedPrompt {
    const tokens = this.encode(text);
    const slots = this.maxLength - 2;
    const kept = Math.min(tokens.length, slots);
    const ids = new Int32Array(this.maxLength).fill(this.padTokenId);
    ids[0] = this.startTokenId;
    for (let i = 0; i < kept; i++) ids[i + 1] = tokens[i];
    ids[kept + 1] = this.endTokenId;
    return { ids, tokenCount: tokens.length, truncated: tokens.length > slots };
  }
}
