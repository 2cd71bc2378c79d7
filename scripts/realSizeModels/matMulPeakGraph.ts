// The CPU's practical peak as the benchmark measures it: one n x n x n float32 MatMul (2·n³ FLOPs, 2048³ ≈ 17.2
// GFLOP), the best-tuned kernel ONNX Runtime has (MLAS GEMM natively, its WASM SIMD build in the browser). Both
// operands are graph inputs so nothing is constant-folded or prepacked away.
import { encodeModel, StreamingGraphBuilder } from './streamingGraphBuilder';

export const PEAK_MATMUL_SIZE = 2048;

export function matMulFlops(n = PEAK_MATMUL_SIZE): number {
  return 2 * n ** 3;
}

/** The encoded graph `c = a @ b` with a and b float32 `[n, n]`. */
export function matMulPeakGraph(n = PEAK_MATMUL_SIZE): Uint8Array {
  const b = new StreamingGraphBuilder('float32');
  const product = b.op('MatMul', [b.input('a', 'float32', [n, n]), b.input('b', 'float32', [n, n])]);
  b.output('c', 'float32', [n, n], product);
  return encodeModel(b.build('matmul_peak', `${n}³ float32 MatMul: the benchmark's measure of peak GFLOP/s`));
}

/** Seeded operands in [-1, 1) for the peak graph. */
export function matMulOperands(n = PEAK_MATMUL_SIZE): { a: Float32Array; b: Float32Array } {
  const make = (seed: number) => {
    let state = seed;
    return Float32Array.from({ length: n * n }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2147483648 - 1;
    });
  };
  return { a: make(1), b: make(2) };
}
