// Writes one file into the weight store as bytes arrive (from a download or a file on disk): buffers them into
// chunks of at most CHUNK_BYTES, hashes as it goes (the whole file incrementally, each chunk on its own), and stores
// each chunk with the hash state in one transaction, so a resume after a cut or a reload continues where it ended.
import { createSHA256, type IHasher } from 'hash-wasm';
import { formatBytes } from './modelManifest';
import { storedBytes, type StoredFile, type WeightStore } from './weightStore';

/** Received bytes are persisted at least this often. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

export type IntegrityErrorCode = 'integrity_failed' | 'size_mismatch';

/** A file whose bytes are not the ones expected. Its stored copy has been discarded. */
export class IntegrityError extends Error {
  constructor(
    readonly code: IntegrityErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'IntegrityError';
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const hasher = await createSHA256();
  return hasher.init().update(bytes).digest('hex');
}

export class StoredFileWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly store: WeightStore,
    private file: StoredFile,
    private readonly hasher: IHasher,
    private readonly chunkHasher: IHasher,
    private readonly chunkBytes: number,
  ) {}

  /** Continues `file` from its stored bytes, restoring the hash state saved with its last chunk. */
  static async open(store: WeightStore, file: StoredFile, chunkBytes = CHUNK_BYTES): Promise<StoredFileWriter> {
    const hasher = await createSHA256();
    let resumable = file;
    if (file.chunks.length > 0 && file.hashState) hasher.load(file.hashState);
    else {
      hasher.init();
      // Bytes without a saved hash state cannot be continued: start the file over.
      if (file.chunks.length > 0) resumable = await store.resetFile(file);
    }
    return new StoredFileWriter(store, resumable, hasher, await createSHA256(), chunkBytes);
  }

  get record(): StoredFile {
    return this.file;
  }

  /** Bytes persisted so far: where a resumed request must start. */
  get storedBytes(): number {
    return storedBytes(this.file);
  }

  /** Bytes accepted so far, persisted or still buffered. */
  get receivedBytes(): number {
    return this.storedBytes + this.pendingBytes;
  }

  /** Drops everything stored for the file, to receive it again from byte 0. */
  async restart(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    this.file = await this.store.resetFile(this.file);
    this.hasher.init();
  }

  async append(bytes: Uint8Array): Promise<void> {
    if (this.receivedBytes + bytes.length > this.file.size) {
      throw new IntegrityError('size_mismatch', this.file.path, `${this.file.path}: received more than its ${formatBytes(this.file.size)} (${this.file.size} bytes); the server sent a different file`);
    }
    let rest = bytes;
    while (rest.length > 0) {
      const take = Math.min(rest.length, this.chunkBytes - this.pendingBytes);
      this.pending.push(rest.subarray(0, take));
      this.pendingBytes += take;
      rest = rest.subarray(take);
      if (this.pendingBytes === this.chunkBytes) await this.flush();
    }
  }

  /** Persists whatever is buffered as one chunk (possibly short: a cut connection, a pause). */
  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const part of this.pending) {
      bytes.set(part, at);
      at += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
    const chunk = { offset: this.storedBytes, size: bytes.length, sha256: this.chunkHasher.init().update(bytes).digest('hex') };
    this.hasher.update(bytes);
    const next: StoredFile = { ...this.file, chunks: [...this.file.chunks, chunk], hashState: this.hasher.save() };
    try {
      await this.store.putChunk(next, this.file.chunks.length, new Blob([bytes]));
    } catch (error) {
      // Not stored: the in-memory hash has moved on, so go back to the state saved with the last stored chunk.
      if (this.file.hashState) this.hasher.load(this.file.hashState);
      else this.hasher.init();
      throw error;
    }
    this.file = next;
  }

  /**
   * Stores the rest and checks the whole file: its size always, its SHA-256 where known. A file that fails is
   * discarded (so the next try fetches it fresh) and an IntegrityError says why; a file that passes is complete.
   */
  async finish(): Promise<StoredFile> {
    await this.flush();
    const { path, size, sha256 } = this.file;
    if (this.storedBytes !== size) {
      const got = this.storedBytes;
      await this.restart();
      throw new IntegrityError('size_mismatch', path, `${path}: expected ${size} bytes, got ${got}; the stored copy was discarded`);
    }
    const digest = this.hasher.digest('hex');
    if (sha256 && digest !== sha256.toLowerCase()) {
      await this.restart();
      throw new IntegrityError('integrity_failed', path, `${path} failed its SHA-256 integrity check (expected ${sha256}, got ${digest}); the stored copy was discarded`);
    }
    this.file = { ...this.file, complete: true, damaged: undefined, hashState: undefined };
    await this.store.putFile(this.file);
    return this.file;
  }
}
