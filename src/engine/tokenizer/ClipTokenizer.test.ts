// Checks the CLIP tokenizer against the Hugging Face fast tokenizer ids in test/reference/clip_tokenizer.json, the
// start/end/padding/truncation rule, and the pad token and length read from Hugging Face tokenizer folders.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, loadReference } from '../../../test/referenceData';
import { ClipTokenizer } from './ClipTokenizer';

interface ReferenceCase {
  text: string;
  category: string;
  padded77: number[];
  hf_fast_ids: number[];
  hf_fast_differs: boolean;
}

const START = 49406;
const END = 49407;
const vocabText = readFileSync(fixturePath('clip/vocab.json'), 'utf8');
const vocab = JSON.parse(vocabText) as Record<string, number>;
const merges = readFileSync(fixturePath('clip/merges.txt'), 'utf8');
const tokenizer = ClipTokenizer.fromVocab(vocab, merges);
const cases = loadReference<ReferenceCase[]>('clip_tokenizer.json');
const label = (c: ReferenceCase) => `${c.category}: ${JSON.stringify(c.text.length > 50 ? `${c.text.slice(0, 47)}...` : c.text)}`;

/** The rule stated independently of the code: start, ids, end, cut so that end stays last, pad to the length. */
function expectedPadded(ids: number[], pad: number, length = 77): number[] {
  const kept = ids.slice(0, length - 2);
  return [START, ...kept, END, ...new Array<number>(length - 2 - kept.length).fill(pad)];
}

describe('ClipTokenizer.encode matches the Hugging Face fast tokenizer', () => {
  it('covers every category of the reference file', () => {
    expect(new Set(cases.map((c) => c.category)).size).toBeGreaterThanOrEqual(17);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    expect(tokenizer.encode(c.text)).toEqual(c.hf_fast_ids);
  });

  it('matches special tokens as typed, case and all: <|ENDOFTEXT|> is ordinary text, split into BPE pieces', () => {
    expect(tokenizer.encode('<|ENDOFTEXT|>')).toEqual([27, 347, 40786, 4160, 91, 285]);
    expect(tokenizer.encode('<|endoftext|>')).toEqual([49407]);
    expect(tokenizer.encode('a <|endoftext|>b')).toEqual([...tokenizer.encode('a'), 49407, ...tokenizer.encode('b')]);
  });

  it('gives the documented example', () => {
    expect(tokenizer.encode('a photo of a cat')).toEqual([320, 1125, 539, 320, 2368]);
  });

  it('ignores leading and trailing whitespace of any kind', () => {
    expect(tokenizer.encode(' \t a photo of a cat \u3000\n')).toEqual([320, 1125, 539, 320, 2368]);
  });

  it('lower-cases one character at a time, without the word-final sigma rule', () => {
    // Rust's char::to_lowercase maps every Σ to σ; JavaScript's toLowerCase would give ς at the end of a word.
    expect(tokenizer.encode('ΣΟΦΟΣ')).toEqual(tokenizer.encode('σοφοσ'));
    expect(tokenizer.encode('ΣΟΦΟΣ')).not.toEqual(tokenizer.encode('σοφος'));
  });

  it('maps any code point to vocabulary ids, lone surrogates as U+FFFD', () => {
    const ids = tokenizer.encode('\u{10FFFF}\u{E000}\u0000\u007f');
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(0);
    expect(tokenizer.encode('a\ud800b')).toEqual(tokenizer.encode('a\ufffdb'));
  });

  it('merges like openai/CLIP bpe() (lowest-ranked pair, every occurrence) on random and very long words', () => {
    const ranks = new Map(merges.split('\n').slice(1).filter(Boolean).map((line, rank) => [line, rank] as const));
    // openai/CLIP simple_tokenizer.py `bpe`, written independently of ByteLevelBpe's priority queue. Lower-case
    // ASCII letters are their own byte characters, and a letter run is a single pre-token.
    const referenceBpe = (word: string): number[] => {
      let symbols = [...word];
      symbols[symbols.length - 1] += '</w>';
      for (;;) {
        let best: string | undefined;
        for (let i = 0; i + 1 < symbols.length; i++) {
          const pair = `${symbols[i]} ${symbols[i + 1]}`;
          if (ranks.has(pair) && (best === undefined || ranks.get(pair)! < ranks.get(best)!)) best = pair;
        }
        if (best === undefined) return symbols.map((s) => vocab[s]);
        const [left, right] = best.split(' ');
        const merged: string[] = [];
        for (let i = 0; i < symbols.length; i++) {
          if (symbols[i] === left && symbols[i + 1] === right) merged.push(symbols[i] + symbols[++i]);
          else merged.push(symbols[i]);
        }
        symbols = merged;
      }
    };
    let seed = 12345;
    const nextLetter = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return 'etaoinshrdlucmfwypvbgkqjxz'[Math.floor((seed / 2147483648) ** 2 * 26)];
    };
    const words = Array.from({ length: 400 }, (_, i) => Array.from({ length: 1 + (i % 40) }, nextLetter).join(''));
    words.push(Array.from({ length: 3000 }, nextLetter).join(''), 'a'.repeat(2000));
    for (const word of words) expect(tokenizer.encode(word)).toEqual(referenceBpe(word));
  });
});

describe('ClipTokenizer.tokenize', () => {
  it.each(cases.map((c) => [label(c), c] as const))('pads and cuts %s', (_, c) => {
    expect(Array.from(tokenizer.tokenize(c.text))).toEqual(expectedPadded(c.hf_fast_ids, END));
    if (!c.hf_fast_differs) expect(Array.from(tokenizer.tokenize(c.text))).toEqual(c.padded77);
  });

  it('reports the token count and truncation', () => {
    for (const c of cases) {
      const info = tokenizer.tokenizeWithInfo(c.text);
      expect(info.tokenCount).toBe(c.hf_fast_ids.length);
      expect(info.truncated).toBe(c.hf_fast_ids.length > 75);
    }
  });

  it('keeps the end token at position 76 when cutting a long prompt', () => {
    const long = cases.find((c) => c.hf_fast_ids.length > 100)!;
    const info = tokenizer.tokenizeWithInfo(long.text);
    expect(info.truncated).toBe(true);
    expect(info.ids.length).toBe(77);
    expect(info.ids[75]).toBe(long.hf_fast_ids[74]);
    expect(info.ids[76]).toBe(END);
  });

  it('fits exactly 75 tokens without truncating', () => {
    const info = tokenizer.tokenizeWithInfo('a '.repeat(75));
    expect(info).toMatchObject({ tokenCount: 75, truncated: false });
    expect(info.ids[75]).toBe(320);
    expect(info.ids[76]).toBe(END);
    expect(tokenizer.tokenizeWithInfo('a '.repeat(76)).truncated).toBe(true);
  });

  it('gives start, end and padding for an empty or blank prompt', () => {
    expect(Array.from(tokenizer.tokenize(''))).toEqual(expectedPadded([], END));
    expect(Array.from(tokenizer.tokenize(' \n '))).toEqual(expectedPadded([], END));
  });

  it('pads with padTokenId 0 (the SD 2.x convention)', () => {
    const zeroPadded = ClipTokenizer.fromVocab(vocab, merges, { padTokenId: 0 });
    expect(Array.from(zeroPadded.tokenize('a photo of a cat'))).toEqual(
      [START, 320, 1125, 539, 320, 2368, END, ...new Array<number>(70).fill(0)],
    );
  });

  it('honours maxLength', () => {
    const short = ClipTokenizer.fromVocab(vocab, merges, { maxLength: 6 });
    expect(Array.from(short.tokenize('a photo of a cat'))).toEqual([START, 320, 1125, 539, 320, END]);
    expect(Array.from(short.tokenize('a cat'))).toEqual([START, 320, 2368, END, END, END]);
  });

  it('cuts the pad token out of prompts only when it is named as a token, as transformers does', () => {
    // diffusers issue #4153: "! !! !!!" gives 0 0 0 0 0 0 with the SD 2.x tokenizer (pad_token "!"), and the BPE
    // tokens 256 748 995 with open_clip, which only pads with 0.
    expect(ClipTokenizer.fromVocab(vocab, merges, { padToken: '!' }).encode('! !! !!!')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(ClipTokenizer.fromVocab(vocab, merges, { padTokenId: 0 }).encode('! !! !!!')).toEqual([256, 748, 995]);
  });
});

describe('ClipTokenizer.fromTokenizerFiles', () => {
  const padOf = (files: { tokenizerConfig?: object; specialTokensMap?: object }) =>
    ClipTokenizer.fromTokenizerFiles({
      vocab: vocabText,
      merges,
      tokenizerConfig: files.tokenizerConfig && JSON.stringify(files.tokenizerConfig),
      specialTokensMap: files.specialTokensMap && JSON.stringify(files.specialTokensMap),
    });

  it('defaults to padding with <|endoftext|> and 77 ids', () => {
    const t = padOf({});
    expect(t.padTokenId).toBe(END);
    expect(t.maxLength).toBe(77);
    expect(t.startTokenId).toBe(START);
    expect(t.endTokenId).toBe(END);
  });

  it('reads pad_token as a string', () => {
    expect(padOf({ tokenizerConfig: { pad_token: '<|endoftext|>', model_max_length: 77 } }).padTokenId).toBe(END);
    expect(padOf({ specialTokensMap: { pad_token: '!' } }).padTokenId).toBe(0);
  });

  it('reads pad_token as an AddedToken object', () => {
    const added = { __type: 'AddedToken', content: '!', lstrip: false, normalized: false, rstrip: false, single_word: false };
    expect(padOf({ tokenizerConfig: { pad_token: added } }).padTokenId).toBe(0);
  });

  it('lets special_tokens_map.json override a legacy tokenizer_config.json (SD 2.x folders pad with "!")', () => {
    const sd2 = padOf({
      tokenizerConfig: { pad_token: '<|endoftext|>', model_max_length: 77 },
      specialTokensMap: { pad_token: '!', bos_token: { content: '<|startoftext|>' } },
    });
    expect(sd2.padTokenId).toBe(0);
    expect(Array.from(sd2.tokenize('a cat')).slice(0, 5)).toEqual([START, 320, 2368, END, 0]);
  });

  it('keeps tokenizer_config.json pad_token when the config lists added_tokens_decoder', () => {
    const config = { pad_token: '<|endoftext|>', added_tokens_decoder: {} };
    expect(padOf({ tokenizerConfig: config, specialTokensMap: { pad_token: '!' } }).padTokenId).toBe(END);
  });

  it('uses a sensible model_max_length and treats larger ones as 77', () => {
    expect(padOf({ tokenizerConfig: { model_max_length: 16 } }).maxLength).toBe(16);
    expect(padOf({ tokenizerConfig: { model_max_length: 1e30 } }).maxLength).toBe(77);
    expect(() => padOf({ tokenizerConfig: { model_max_length: 0 } })).toThrow(/model_max_length/);
  });

  it('rejects a pad token that is not in the vocabulary and malformed files', () => {
    expect(() => padOf({ specialTokensMap: { pad_token: '<pad>' } })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => ClipTokenizer.fromTokenizerFiles({ vocab: '[1]', merges })).toThrow(/vocab\.json/);
    expect(() => ClipTokenizer.fromTokenizerFiles({ vocab: vocabText, merges, tokenizerConfig: '{' })).toThrow(/tokenizer_config\.json/);
  });
});

describe('ClipTokenizer.fromVocab validation', () => {
  it('requires the start and end tokens in the vocabulary', () => {
    const { ['<|startoftext|>']: _, ...withoutStart } = vocab;
    expect(() => ClipTokenizer.fromVocab(withoutStart, merges)).toThrow(/<\|startoftext\|>/);
  });

  it('rejects a merge whose parts are not in the vocabulary', () => {
    expect(() => ClipTokenizer.fromVocab(vocab, `${merges}\nzzzq xxxq\n`)).toThrow(/merges\.txt line/);
  });

  it('rejects bad lengths and pad ids', () => {
    expect(() => ClipTokenizer.fromVocab(vocab, merges, { maxLength: 1 })).toThrow(/maxLength/);
    expect(() => ClipTokenizer.fromVocab(vocab, merges, { padTokenId: 49408 })).toThrow(/padTokenId/);
    expect(() => ClipTokenizer.fromVocab(vocab, merges, { padTokenId: 0, padToken: '!' })).toThrow(/padToken/);
  });
});
