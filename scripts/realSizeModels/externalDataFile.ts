// The external-data file a real-size graph streams its parameters into (`model.onnx_data`, as onnx's
// `save_model(..., save_as_external_data=True)` names it): each tensor is written as soon as it is generated, at an
// offset aligned to 4096 bytes so onnxruntime can memory-map it, and only the running end offset is kept in memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { WeightStore } from './streamingGraphBuilder';

const ALIGNMENT = 4096;

export class ExternalDataFile implements WeightStore {
  private readonly fd: number;
  private end = 0;

  /**
   * @param path the file written now (may be a temporary name)
   * @param location the name the graph refers to, relative to model.onnx (what the file is renamed to)
   */
  constructor(path: string, readonly location: string) {
    this.fd = openSync(path, 'w');
  }

  append(bytes: Uint8Array): { offset: number; length: number } {
    const offset = Math.ceil(this.end / ALIGNMENT) * ALIGNMENT;
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.fd, bytes, written, bytes.length - written, offset + written);
    }
    this.end = offset + bytes.length;
    return { offset, length: bytes.length };
  }

  get size(): number {
    return this.end;
  }

  close(): void {
    closeSync(this.fd);
  }
}
