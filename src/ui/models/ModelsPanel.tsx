// The Models panel: the catalog and added models with their downloads, storage use, "Add model" (a base URL or a
// Hugging Face repo id) and "Import folder" (a model folder on disk, picked or dropped onto the page).
import { useRef, useState, type FormEvent } from 'react';
import { formatBytes } from '../../models/modelManifest';
import { useStudioStore } from '../../state/store';
import { useModels } from '../StudioContext';
import { folderFromFileList } from './folderFiles';
import { ModelEntry } from './ModelEntry';

export function ModelsPanel() {
  const models = useModels();
  const list = useStudioStore((s) => s.models);
  const selectedId = useStudioStore((s) => s.selectedModelId);
  const storage = useStudioStore((s) => s.storage);
  const busy = useStudioStore((s) => s.addModelBusy);
  const message = useStudioStore((s) => s.addModelMessage);
  const [location, setLocation] = useState('');
  const folderInput = useRef<HTMLInputElement>(null);

  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    void models.addFromText(location);
  };
  const onFolder = (files: FileList | null) => {
    const folder = files ? folderFromFileList(files) : null;
    if (folder) void models.importFolder(folder.name, folder.entries);
    if (folderInput.current) folderInput.current.value = '';
  };

  return (
    <section className="models-panel" aria-labelledby="models-heading">
      <h2 id="models-heading">Models</h2>
      <p className="models-storage">
        {storage.usage !== undefined && storage.quota !== undefined
          ? `Storage: ${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)} available to this site`
          : 'Storage: the browser does not report its quota'}
        {storage.persisted === false ? ' · may be cleared by the browser under storage pressure (persistent storage not granted)' : ''}
        {storage.persisted === true ? ' · persistent' : ''}
      </p>
      <ul className="model-list">
        {list.map((model) => (
          <ModelEntry key={model.id} model={model} selected={model.id === selectedId} />
        ))}
      </ul>
      <form className="add-model" onSubmit={onAdd}>
        <label htmlFor="model-url">Model URL</label>
        <div className="add-model-row">
          <input
            id="model-url"
            type="text"
            value={location}
            placeholder="https://host/model/ or org/name@revision"
            aria-describedby="model-url-hint"
            onChange={(event) => setLocation(event.target.value)}
          />
          <button type="submit" disabled={busy}>
            Add model
          </button>
        </div>
        <p id="model-url-hint" className="field-hint">
          A folder in the diffusers ONNX layout (model_index.json, unet/, vae_decoder/ …) served over HTTP with CORS, or a
          Hugging Face repo id. It is checked before anything is downloaded.
        </p>
      </form>
      <div className="import-folder">
        <button type="button" onClick={() => folderInput.current?.click()} disabled={busy}>
          Import folder
        </button>
        <span className="field-hint">or drop a model folder onto the page.</span>
        <input
          ref={folderInput}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          // A directory picker (Chromium, Firefox, Safari): the files arrive with their paths inside the folder.
          {...{ webkitdirectory: '', directory: '' }}
          multiple
          onChange={(event) => onFolder(event.target.files)}
        />
      </div>
      {busy && <p role="status">Checking the model…</p>}
      {message && (
        <p className={message.kind === 'error' ? 'model-error' : 'model-info'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
