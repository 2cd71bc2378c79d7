// The studio's layout: mode tabs and the active mode's form on the left; the inpainting workspace, progress and
// results on the right. App-wide keys: Ctrl/Cmd+Enter generates; pasting an image loads it as the input image.
import { useEffect, useState } from 'react';
import { GENERATION_MODES } from '../predictions/PredictionInput';
import { selectedModel } from '../state/modelsSlice';
import { useStudioStore } from '../state/store';
import { BackendBadge } from './BackendBadge';
import { GenerationForm } from './GenerationForm';
import { firstFile } from '../app/decodeImageFile';
import { InpaintWorkspace } from './InpaintWorkspace';
import { droppedDirectory, folderFromEntry } from './models/folderFiles';
import { ModelPicker } from './models/ModelPicker';
import { ModelsPanel } from './models/ModelsPanel';
import { ModeTabs, panelId, tabId } from './ModeTabs';
import { PngInfoPanel } from './PngInfoPanel';
import { XyPlotPanel } from './XyPlotPanel';
import { ProgressPanel } from './ProgressPanel';
import { ResultsGallery } from './ResultsGallery';
import { useModels, useStudio } from './StudioContext';
import { UpdatePrompt } from './UpdatePrompt';

export function App() {
  const controller = useStudio();
  const models = useModels();
  const storedActiveMode = useStudioStore((s) => s.activeMode);
  const modelModes = useStudioStore((s) => selectedModel(s)?.modes);
  const modes = modelModes && modelModes.length > 0 ? modelModes : GENERATION_MODES;
  // The tabs show what the selected model can do; a mode it can't do falls back to its first.
  const activeMode = modes.includes(storedActiveMode) ? storedActiveMode : modes[0];
  const backend = useStudioStore((s) => s.backend);
  const backendError = useStudioStore((s) => s.backendError);
  const loadingModel = useStudioStore((s) => s.loadingModelId !== null);
  const jobs = useStudioStore((s) => s.jobs);
  const gallery = useStudioStore((s) => s.gallery);
  const historyLoaded = useStudioStore((s) => s.historyLoaded);
  const storageError = useStudioStore((s) => s.storageError);
  const setActiveMode = useStudioStore((s) => s.setActiveMode);
  const [pngInfo, setPngInfo] = useState(false);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        // Submitting the form (not calling generate directly) keeps its error display in step.
        document.querySelector<HTMLFormElement>('form.generation-form')?.requestSubmit();
      }
    };
    const onPaste = (event: ClipboardEvent) => {
      const mode = useStudioStore.getState().activeMode;
      const file = firstFile(event.clipboardData);
      if (mode === 'text-to-image' || !file) return;
      event.preventDefault();
      void controller.loadInput(mode, file);
    };
    // A model folder dropped anywhere on the page is imported; other drops are left to their drop zones.
    const onDragOver = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      const directory = droppedDirectory(event.dataTransfer);
      if (!directory) return;
      event.preventDefault();
      void folderFromEntry(directory).then((folder) => models.importFolder(folder.name, folder.entries));
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('paste', onPaste);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [controller, models]);

  return (
    <div className="studio">
      <header className="studio-header">
        <h1>SD Studio</h1>
        <UpdatePrompt />
        <BackendBadge backend={backend} error={backendError} loading={loadingModel} />
      </header>
      <main className="studio-main">
        <section className="studio-controls" aria-label="Generation settings">
          <ModelPicker />
          <ModeTabs
            active={pngInfo ? 'png-info' : activeMode}
            modes={modes}
            onSelect={(tab) => {
              setPngInfo(tab === 'png-info');
              if (tab !== 'png-info') setActiveMode(tab);
            }}
          />
          <div role="tabpanel" id={panelId(pngInfo ? 'png-info' : activeMode)} aria-labelledby={tabId(pngInfo ? 'png-info' : activeMode)} className="mode-panel">
            {pngInfo ? (
              <PngInfoPanel
                onSent={(mode) => {
                  setPngInfo(false);
                  setActiveMode(mode);
                }}
              />
            ) : (
              <GenerationForm key={activeMode} mode={activeMode} />
            )}
          </div>
          {!pngInfo && <XyPlotPanel />}
          <ModelsPanel />
        </section>
        <section className="studio-output" aria-label="Output">
          {activeMode === 'inpainting' && !pngInfo && <InpaintWorkspace />}
          <ProgressPanel jobs={jobs} onCancel={(id) => controller.cancel(id)} />
          <ResultsGallery controller={controller} entries={gallery} loaded={historyLoaded} storageError={storageError} />
        </section>
      </main>
    </div>
  );
}
