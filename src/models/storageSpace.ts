// The origin's storage: usage and quota (navigator.storage.estimate), the request for persistent storage (so the
// browser does not evict gigabytes of weights under pressure), and the check that refuses a download that can't fit.
import { formatBytes } from './modelManifest';

export interface StorageEstimate {
  usage?: number;
  quota?: number;
  /** Whether the browser granted persistent storage; undefined where it can't tell. */
  persisted?: boolean;
}

export class InsufficientStorageError extends Error {
  readonly code = 'insufficient_storage';
  constructor(message: string) {
    super(message);
    this.name = 'InsufficientStorageError';
  }
}

export async function estimateStorage(): Promise<StorageEstimate> {
  const storage = globalThis.navigator?.storage;
  const result: StorageEstimate = {};
  try {
    const estimate = await storage?.estimate?.();
    if (estimate?.usage !== undefined) result.usage = estimate.usage;
    if (estimate?.quota !== undefined) result.quota = estimate.quota;
    if (typeof storage?.persisted === 'function') result.persisted = await storage.persisted();
  } catch {
    // An estimate is advisory.
  }
  return result;
}

/** Asks once for persistent storage; the browser may say no (then it may evict data under pressure). */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    return (await globalThis.navigator?.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}

/** Refuses, before any byte is fetched, a download of `bytes` more than the origin has room for. */
export function checkRoomFor(name: string, bytes: number, estimate: StorageEstimate): void {
  if (estimate.quota === undefined || bytes <= 0) return;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (bytes > free) {
    throw new InsufficientStorageError(
      `${name} needs ${formatBytes(bytes)} of storage, but only ${formatBytes(Math.max(0, free))} is free for this site. Delete a model or old results, or free disk space, then try again.`,
    );
  }
}
