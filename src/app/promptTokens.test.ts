// The token counter: CLIP tokens against the 75-token window, the words past it, and A1111's chunk count.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../engine';
import { fixturePath } from '../../test/referenceData';
import { countTokens } from './promptTokens';

const tokenizer = ClipTokenizer.fromVocab(JSON.parse(readFileSync(fixturePath('clip/vocab.json'), 'utf8')) as Record<string, number>, readFileSync(fixturePath('clip/merges.txt'), 'utf8'));

describe('countTokens', () => {
  it('counts the prompt against 75', () => {
    expect(countTokens(tokenizer, 'a lighthouse at dusk', 'none')).toEqual({ count: 4, max: 75 });
  });

  it('names the words past the window, which are cut', () => {
    const prompt = `${Array.from({ length: 74 }, () => 'cat').join(' ')} red blue green`;
    expect(countTokens(tokenizer, prompt, 'none')).toEqual({ count: 77, max: 75, cutText: 'blue green' });
  });

  it('with A1111 syntax, counts chunks of 75 instead of cutting', () => {
    const prompt = Array.from({ length: 80 }, () => 'cat').join(' ');
    expect(countTokens(tokenizer, prompt, 'a1111')).toEqual({ count: 80, max: 150 });
    expect(countTokens(tokenizer, '(a:1.2) [b]', 'a1111')).toEqual({ count: 2, max: 75 });
  });
});
