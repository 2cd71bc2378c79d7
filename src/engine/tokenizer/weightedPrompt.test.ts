// A1111's prompt syntax against the examples in A1111's own prompt_parser docstring (weights included), and its
// 75-token chunking: BREAK, the comma backtrack, padding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../test/referenceData';
import { ClipTokenizer } from './ClipTokenizer';
import { BREAK_WEIGHT, chunkPrompt, parsePromptAttention } from './weightedPrompt';

const tokenizer = ClipTokenizer.fromVocab(JSON.parse(readFileSync(fixturePath('clip/vocab.json'), 'utf8')) as Record<string, number>, readFileSync(fixturePath('clip/merges.txt'), 'utf8'));

describe('parsePromptAttention (A1111 prompt_parser examples)', () => {
  const cases: Array<[string, Array<[string, number]>]> = [
    ['normal text', [['normal text', 1]]],
    ['an (important) word', [['an ', 1], ['important', 1.1], [' word', 1]]],
    ['(unbalanced', [['unbalanced', 1.1]]],
    ['\\(literal\\]', [['(literal]', 1]]],
    ['(unnecessary)(parens)', [['unnecessaryparens', 1.1]]],
    [
      'a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).',
      [['a ', 1], ['house', 1.5730000000000004], [' ', 1.1], ['on', 1], [' a ', 1.1], ['hill', 0.55], [', sun, ', 1.1], ['sky', 1.4641000000000006], ['.', 1.1]],
    ],
    ['[unnecessary][parens]', [['unnecessaryparens', 1 / 1.1]]],
    ['one BREAK two', [['one', 1], ['BREAK', -1], ['two', 1]]],
    ['', [['', 1]]],
  ];
  for (const [prompt, expected] of cases) {
    it(JSON.stringify(prompt), () => {
      const parsed = parsePromptAttention(prompt);
      expect(parsed.map(([text]) => text)).toEqual(expected.map(([text]) => text));
      parsed.forEach(([, weight], i) => expect(weight).toBeCloseTo(expected[i][1], 12));
    });
  }

  it('nests explicit weights inside brackets and leaves stray closers as text', () => {
    expect(parsePromptAttention('((cat:2))')).toEqual([['cat', 2 * 1.1]]);
    expect(parsePromptAttention('a) b]')).toEqual([['a) b]', 1]]);
  });
});

describe('chunkPrompt', () => {
  it('keeps a short prompt in one chunk: start, tokens with their weights, end, padding', () => {
    const [chunk, ...rest] = chunkPrompt(tokenizer, parsePromptAttention('a (red:1.5) barn'));
    expect(rest).toEqual([]);
    const tokens = [...tokenizer.encode('a '), ...tokenizer.encode('red'), ...tokenizer.encode(' barn')];
    expect(Array.from(chunk.ids.slice(0, tokens.length + 2))).toEqual([tokenizer.startTokenId, ...tokens, tokenizer.endTokenId]);
    expect(chunk.ids).toHaveLength(77);
    expect(chunk.tokenCount).toBe(tokens.length);
    expect(chunk.weights[2]).toBeCloseTo(1.5);
    expect(chunk.weights[1]).toBe(1);
  });

  it('splits a long prompt into chunks of 75 tokens', () => {
    const prompt = Array.from({ length: 100 }, (_, i) => `word${i % 10}`).join(' ');
    const chunks = chunkPrompt(tokenizer, parsePromptAttention(prompt));
    const total = tokenizer.encode(prompt).length; // "word3" is two tokens: 200 in all
    expect(total).toBe(200);
    expect(chunks.map((c) => c.tokenCount)).toEqual([75, 75, 50]);
  });

  it('ends a full chunk after a comma among its last 20 tokens, moving the rest on', () => {
    const head = Array.from({ length: 70 }, () => 'cat').join(' ');
    const prompt = `${head}, dog dog dog dog dog dog dog dog dog dog`;
    const chunks = chunkPrompt(tokenizer, parsePromptAttention(prompt));
    expect(chunks[0].tokenCount).toBe(71); // 70 cats and the comma
    expect(chunks[1].tokenCount).toBe(10);
  });

  it('ends a chunk at BREAK', () => {
    const chunks = chunkPrompt(tokenizer, parsePromptAttention('a cat BREAK a dog'));
    expect(chunks.map((c) => c.tokenCount)).toEqual([2, 2]);
    expect(parsePromptAttention('a cat BREAK a dog')[1][1]).toBe(BREAK_WEIGHT);
  });
});
