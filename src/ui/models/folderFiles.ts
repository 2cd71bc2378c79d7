// Collects the files of a folder the user picked (an <input webkitdirectory>) or dropped (a directory entry of a
// DataTransfer), as paths relative to the folder's parent, so the Models panel can import it.

export interface PickedFolder {
  name: string;
  entries: Array<{ path: string; file: File }>;
}

/** From a directory input's FileList: each File's webkitRelativePath starts with the folder's name. */
export function folderFromFileList(files: FileList | readonly File[]): PickedFolder | null {
  const list = Array.from(files);
  if (list.length === 0) return null;
  const entries = list.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  return { name: entries[0].path.split('/')[0] || 'folder', entries };
}

const readEntries = (reader: FileSystemDirectoryReader) =>
  new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(directory: FileSystemDirectoryEntry, prefix: string, out: PickedFolder['entries']): Promise<void> {
  const reader = directory.createReader();
  // readEntries answers in batches (Chromium: 100 at a time) until it returns an empty one.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const entry of batch) {
      const path = `${prefix}/${entry.name}`;
      if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, path, out);
      else out.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
    }
  }
}

/** The first directory in a drop, or null when the drop holds no directory (plain files are left to other handlers). */
export function droppedDirectory(data: DataTransfer | null): FileSystemDirectoryEntry | null {
  for (const item of Array.from(data?.items ?? [])) {
    const entry = item.kind === 'file' ? item.webkitGetAsEntry?.() : null;
    if (entry?.isDirectory) return entry as FileSystemDirectoryEntry;
  }
  return null;
}

export async function folderFromEntry(directory: FileSystemDirectoryEntry): Promise<PickedFolder> {
  const entries: PickedFolder['entries'] = [];
  await walk(directory, directory.name, entries);
  return { name: directory.name, entries };
}
