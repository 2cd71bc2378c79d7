// Byte-level BPE with CLIP's `</w>` end-of-word suffix: GPT-2's byte → character table, the merge-rank table
// built once from merges.txt, and the per-word merge loop of Hugging Face tokenizers' BPE model
// (`Word::merge_all`), working on token ids so no intermediate strings are made.
import { EngineError } from '../errors';

const END_OF_WORD = '</w>';
/** Heap keys are `rank * RANK_SCALE + position`: lowest rank first, then the leftmost pair, as in tokenizers. */
const RANK_SCALE = 2 ** 32;
/** Distinct words kept; a prompt editor re-tokenizes on every keystroke, so recent words are nearly always hits. */
const CACHE_LIMIT = 8192;

const utf8 = new TextEncoder();

/**
 * GPT-2 `bytes_to_unicode` (openai/CLIP simple_tokenizer.py): printable Latin-1 bytes stand for themselves and the
 * 68 others (controls, space, U+007F..U+00A0, soft hyphen) are shifted, in byte order, to U+0100 onwards, so every
 * byte has a visible vocabulary character.
 */
function byteCharacters(): string[] {
  const characters = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || byte >= 0xae;
    characters[byte] = String.fromCharCode(printable ? byte : 256 + shifted++);
  }
  return characters;
}

/** The id of `token`, or an invalid_config error naming what needed it. */
export function vocabularyId(vocab: ReadonlyMap<string, number>, token: string, where: string): number {
  const id = vocab.get(token);
  if (id === undefined) {
    throw new EngineError('invalid_config', `${where}: expected ${JSON.stringify(token)} in the vocabulary, it is missing.`);
  }
  return id;
}

export class ByteLevelBpe {
  /** Id of each byte's character inside a word, and with `</w>` for a word's last byte. */
  private readonly byteIds = new Int32Array(256);
  private readonly finalByteIds = new Int32Array(256);
  /** `left * pairBase + right` → merge rank (its line among the merges, from 0). */
  private readonly pairRanks = new Map<number, number>();
  /** Merge rank → id of the merged token. */
  private readonly mergedIds: Int32Array;
  private readonly pairBase: number;
  private readonly cache = new Map<string, Int32Array>();

  constructor(vocab: ReadonlyMap<string, number>, merges: string) {
    const characters = byteCharacters();
    for (let byte = 0; byte < 256; byte++) {
      this.byteIds[byte] = vocabularyId(vocab, characters[byte], `byte 0x${byte.toString(16)}`);
      this.finalByteIds[byte] = vocabularyId(vocab, characters[byte] + END_OF_WORD, `byte 0x${byte.toString(16)}`);
    }
    let largestId = 0;
    for (const id of vocab.values()) if (id > largestId) largestId = id;
    this.pairBase = largestId + 1;

    const lines = merges.split('\n');
    const merged: number[] = [];
    for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
      const line = lines[lineIndex].endsWith('\r') ? lines[lineIndex].slice(0, -1) : lines[lineIndex];
      if (line === '' || line.startsWith('#version')) continue;
      const space = line.indexOf(' ');
      if (space <= 0 || space === line.length - 1 || line.indexOf(' ', space + 1) !== -1) {
        throw new EngineError(
          'invalid_config',
          `merges.txt line ${lineIndex + 1}: expected two tokens separated by one space, got ${JSON.stringify(line)}.`,
        );
      }
      const left = line.slice(0, space);
      const right = line.slice(space + 1);
      const where = `merges.txt line ${lineIndex + 1}`;
      // As in tokenizers and openai/CLIP (a dict built from the list), a repeated pair keeps its last rank.
      this.pairRanks.set(vocabularyId(vocab, left, where) * this.pairBase + vocabularyId(vocab, right, where), merged.length);
      merged.push(vocabularyId(vocab, left + right, where));
    }
    this.mergedIds = Int32Array.from(merged);
  }

  /** Appends the ids of one pre-tokenized word (a non-empty string) to `out`. */
  encodeWord(word: string, out: number[]): void {
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.mergeWord(word);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(word, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  private rankOf(left: number, right: number): number | undefined {
    return this.pairRanks.get(left * this.pairBase + right);
  }

  private pushPair(heap: number[], symbols: Int32Array, left: number, right: number): void {
    const rank = this.rankOf(symbols[left], symbols[right]);
    if (rank !== undefined) heapPush(heap, rank * RANK_SCALE + left);
  }

  /**
   * Starts from one symbol per UTF-8 byte (the last one carrying `</w>`) and applies the lowest-ranked mergeable
   * adjacent pair, leftmost first, until none is left. A priority queue with stale-entry checks keeps long words
   * (a pasted run of punctuation) at O(n log n) instead of rescanning the word for every merge. Lone UTF-16
   * surrogates, which no Rust string can hold, are encoded as U+FFFD by TextEncoder.
   */
  private mergeWord(word: string): Int32Array {
    const bytes = utf8.encode(word);
    const count = bytes.length;
    const symbols = new Int32Array(count);
    for (let i = 0; i < count; i++) symbols[i] = this.byteIds[bytes[i]];
    symbols[count - 1] = this.finalByteIds[bytes[count - 1]];
    if (count === 1) return symbols;

    // Doubly linked list over positions; a merged-away position is marked with symbol -1.
    const next = new Int32Array(count);
    const previous = new Int32Array(count);
    const heap: number[] = [];
    for (let i = 0; i < count; i++) {
      next[i] = i + 1 < count ? i + 1 : -1;
      previous[i] = i - 1;
      if (i + 1 < count) this.pushPair(heap, symbols, i, i + 1);
    }
    let remaining = count;
    while (heap.length > 0) {
      const key = heapPop(heap);
      const rank = Math.floor(key / RANK_SCALE);
      const left = key - rank * RANK_SCALE;
      const right = next[left];
      // Skip entries made stale by an earlier merge: the pair at `left` is gone or is no longer this merge.
      if (symbols[left] < 0 || right < 0 || this.rankOf(symbols[left], symbols[right]) !== rank) continue;
      symbols[left] = this.mergedIds[rank];
      symbols[right] = -1;
      remaining--;
      const after = next[right];
      next[left] = after;
      if (after >= 0) previous[after] = left;
      if (previous[left] >= 0) this.pushPair(heap, symbols, previous[left], left);
      if (after >= 0) this.pushPair(heap, symbols, left, after);
    }
    const ids = new Int32Array(remaining);
    for (let position = 0, i = 0; position >= 0; position = next[position]) ids[i++] = symbols[position];
    return ids;
  }
}

function heapPush(heap: number[], key: number): void {
  let child = heap.length;
  heap.push(key);
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (heap[parent] <= key) break;
    heap[child] = heap[parent];
    child = parent;
  }
  heap[child] = key;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop() as number;
  const size = heap.length;
  if (size === 0) return top;
  let parent = 0;
  for (;;) {
    let child = 2 * parent + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1] < heap[child]) child++;
    if (heap[child] >= last) break;
    heap[parent] = heap[child];
    parent = child;
  }
  heap[parent] = last;
  return top;
}
