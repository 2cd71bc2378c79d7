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
    return this.inWeightStore('get', ['file', modelId, path]) as Promise<StoredFileInfo | undefined>;
  }

  /** How many keys the weight store holds for a model (its records and chunks). */
  async storedKeys(modelId: string): Promise<number> {
    const keys = (await this.inWeightStore('keys')) as unknown[][];
    return keys.filter((key) => key[1] === modelId).length;
  }

  /** Overwrites a stored chunk with other bytes of the same size, as disk corruption would. */
  async corruptChunk(modelId: string, path: string, index: number): Promise<void> {
    await this.inWeightStore('corrupt', ['chunk', modelId, path, index]);
  }

  /** One request on the weight store's database, run in the page with the raw IndexedDB API. */
  private inWeightStore(action: 'get' | 'keys' | 'corrupt', key?: Array<string | number>): Promise<unknown> {
    return this.page.evaluate(
      ({ db, store, action, key }) =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open(db);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const database = open.result;
            const done = (value: unknown) => {
              database.close();
              resolve(value);
            };
            const objects = (mode: IDBTransactionMode) => database.transaction(store, mode).objectStore(store);
            const request = action === 'keys' ? objects('readonly').getAllKeys() : objects('readonly').get(key as IDBValidKey);
            request.onerror = () => reject(request.error);
            request.onsuccess = async () => {
              if (action !== 'corrupt') return done(request.result);
              const bytes = new Uint8Array(await (request.result as Blob).arrayBuffer());
              for (let i = 0; i < bytes.length; i += 97) bytes[i] ^= 0x5a;
              const write = objects('readwrite').put(new Blob([bytes]), key as IDBValidKey);
              write.onerror = () => reject(write.error);
              write.onsuccess = () => done(undefined);
            };
          };
        }),
      { db: DB, store: STORE, action, key },
    );
  }

  usage(): Promise<number> {
    return this.page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  }
}
