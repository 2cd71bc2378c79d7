// One readwrite transaction of an idb-keyval store that either commits every request or none: the history and the
// weight store write a record with its blobs this way, so a failed save (a full disk) leaves nothing half-written.
import type { UseStore } from 'idb-keyval';

/** Settles when the transaction commits; rejects with its error when it aborts (a quota failure aborts at commit). */
export function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.addEventListener('complete', () => resolve());
    transaction.addEventListener('abort', () => reject(transaction.error ?? new DOMException('The transaction was aborted.', 'AbortError')));
  });
}

/** Runs `body`'s requests in one transaction and waits for it to commit; rejects if any of it failed. */
export function writeAtomically(store: UseStore, body: (objectStore: IDBObjectStore) => void): Promise<void> {
  return store('readwrite', (objectStore) => {
    const done = committed(objectStore.transaction);
    try {
      body(objectStore);
    } catch (error) {
      // A put that throws (e.g. DataCloneError, QuotaExceededError) would otherwise let the earlier puts commit.
      done.catch(() => undefined);
      objectStore.transaction.abort();
      throw error;
    }
    return done;
  });
}
