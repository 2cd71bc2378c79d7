// The studio's layout: mode tabs and the active mode's form on the left; the inpainting workspace, progress and
// results on the right. App-wide keys: Ctrl/Cmd+Enter generates; pasting an image loads it as the input image.
import { useEffect } from 'react';
import { useStudioStore } from '../state/store';
import { BackendBadge } from './BackendBadge';
import { GenerationForm } from './GenerationForm';
import { firstFile } from './images/decodeImageFile';
import { InpaintWorkspace } from './InpaintWorkspace';
import { ModeTabs, panelId, tabId } from './ModeTabs';
import { ProgressPanel } from './ProgressPanel';
import { ResultsGallery } from './ResultsGallery';
import { useStudio } from './StudioContext';

export function App() {
  const controller = useStudio();
  const activeMode = useStudioStore((s) => s.activeMode);
  const backend = useStudioStore((s) => s.backend);
  const backendError = useStudioStore((s) => s.backendError);
  const jobs = useStudioStore((s) => s.jobs);
  const gallery = useStudioStore((s) => s.gallery);
  const historyLoaded = useStudioStore((s) => s.historyLoaded);
  const storageError = useStudioStore((s) => s.storageError);
  const setActiveMode = useStudioStore((s) => s.setActiveMode);

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
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('paste', onPaste);
    };
  }, [controller]);

  return (
    <div className="studio">
      <header className="studio-header">
        <h1>SD Studio</h1>
        <BackendBadge backend={backend} error={backendError} />
      </header>
      <main className="studio-main">
        <section className="studio-controls" aria-label="Generation settings">
          <ModeTabs active={activeMode} onSelect={setActiveMode} />
          <div role="tabpanel" id={panelId(activeMode)} aria-labelledby={tabId(activeMode)} className="mode-panel">
            <GenerationForm key={activeMode} mode={activeMode} />
          </div>
        </section>
        <section className="studio-output" aria-label="Output">
          {activeMode === 'inpainting' && <InpaintWorkspace />}
          <ProgressPanel jobs={jobs} onCancel={(id) => controller.cancel(id)} />
          <ResultsGallery controller={controller} entries={gallery} loaded={historyLoaded} storageError={storageError} />
        </section>
      </main>
    </div>
  );
}
