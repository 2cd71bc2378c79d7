// The 32-bit Mersenne Twister as PyTorch's CPU generator runs it (ATen core/MT19937RNGEngine.h): seeded
// with the low 32 bits of the uint64 seed, producing the standard tempered MT19937 words.
import { seedWords } from './randomArguments';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * MT19937 (Matsumoto & Nishimura, 1998). Torch's `manual_seed(s)` calls init_genrand with `s & 0xFFFFFFFF`,
 * so seeds equal mod 2^32 share a stream; words equal `std::mt19937(s32)` and `numpy.random.RandomState(s32)`.
 */
export class Mt19937 {
  private readonly state = new Uint32Array(N);
  /** Index of the next untempered word; N means the block must be regenerated first (torch starts with left = 1). */
  private index = N;

  constructor(seed: number | bigint) {
    const state = this.state;
    state[0] = seedWords(seed).low;
    for (let j = 1; j < N; j++) {
      const previous = state[j - 1];
      // init_genrand: state[j] = 1812433253 * (state[j-1] ^ (state[j-1] >>> 30)) + j, mod 2^32.
      state[j] = Math.imul(1812433253, previous ^ (previous >>> 30)) + j;
    }
  }

  /** The next 32-bit output word, as an unsigned number. */
  nextUint32(): number {
    if (this.index >= N) this.regenerate();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The twist: recomputes all 624 state words in place. */
  private regenerate(): void {
    const state = this.state;
    for (let k = 0; k < N; k++) {
      const y = (state[k] & UPPER_MASK) | (state[k + 1 < N ? k + 1 : 0] & LOWER_MASK);
      const kM = k + M < N ? k + M : k + M - N;
      state[k] = state[kM] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}
