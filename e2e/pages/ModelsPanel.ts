// Page object for the Models panel: adds, downloads and deletes models as a user would (by role and accessible
// name), and reads the weight store (IndexedDB) the way a test must to see what was really stored.
import { expect, type Locator, type Page } from '@playwright/test';

/** The weight store's database, as src/models/weightStore.ts names it. */
const DB = 'sd-studio-weights';
const STORE = 'weights';

export interface StoredFileInfo {
  complete: boolean;
  chunks: Array<{ offset: number; size: number; sha256: string }>;
  damaged?: number[];
}

export class ModelsPanel {
  constructor(readonly page: Page) {}

  entry(name: string): Locator {
    return this.page.getByRole('listitem').filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }

  async add(location: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Model URL' }).fill(location);
    await this.page.getByRole('button', { name: 'Add model' }).click();
  }

  async download(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Download ${name}` }).click();
  }

  async waitStored(name: string, timeout = 60_000): Promise<void> {
    await expect(this.entry(name).getByText('Stored', { exact: true })).toBeVisible({ timeout });
  }

  async select(name: string): Promise<void> {
    const picker = this.page.getByRole('combobox', { name: 'Model' });
    await picker.selectOption({ label: name });
    await expect(this.page.getByRole('status').filter({ hasText: /WASM|WebGPU/ })).toBeVisible();
  }

  /** A file's record in the weight store, read straight from IndexedDB. */
  storedFile(modelId: string, path: string): Promise<StoredFileInfo | undefined> {
    return this.page.evaluate(
      ({ db, store, key }) =>
        new Promise<StoredFileInfo | undefined>((resolve, reject) => {
          const open = indexedDB.open(db);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction(store).objectStore(store).get(key);
            request.onsuccess = () => {
              open.result.close();
              resolve(request.result as StoredFileInfo | undefined);
            };
            request.onerror = () => reject(request.error);
          };
        }),
      { db: DB, store: STORE, key: ['file', modelId, path] },
    );
  }

  /** Every key the weight store holds for a model (records and chunks). */
  storedKeys(modelId: string): Promise<number> {
    return this.page.evaluate(
      ({ db, store, id }) =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open(db);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction(store).objectStore(store).getAllKeys();
            all.onsuccess = () => {
              open.result.close();
              resolve((all.result as unknown[][]).filter((key) => key[1] === id).length);
            };
          };
        }),
      { db: DB, store: STORE, id: modelId },
    );
  }

  /** Overwrites a stored chunk with other bytes of the same size, as disk corruption would. */
  corruptChunk(modelId: string, path: string, index: number): Promise<void> {
    return this.page.evaluate(
      ({ db, store, key }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(db);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const transaction = open.result.transaction(store, 'readwrite');
            const objects = transaction.objectStore(store);
            const read = objects.get(key);
            read.onsuccess = async () => {
              const bytes = new Uint8Array(await (read.result as Blob).arrayBuffer());
              for (let i = 0; i < bytes.length; i += 97) bytes[i] ^= 0x5a;
              const write = open.result.transaction(store, 'readwrite').objectStore(store).put(new Blob([bytes]), key);
              write.onsuccess = () => {
                open.result.close();
                resolve();
              };
              write.onerror = () => reject(write.error);
            };
          };
        }),
      { db: DB, store: STORE, key: ['chunk', modelId, path, index] },
    );
  }

  usage(): Promise<number> {
    return this.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  }
}
