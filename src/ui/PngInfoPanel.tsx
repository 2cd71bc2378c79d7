// PNG Info, as in AUTOMATIC1111: drop or pick a PNG (ours, or one A1111, Forge or ComfyUI's A1111-style node
// wrote), see the generation parameters in its `parameters` text chunk, and send them (and the image, for the
// image modes) to a mode's form.
import { useState } from 'react';
import { readPngText } from '../history/pngChunks';
import { parseParameters, type ParsedParameters } from '../history/pngParameters';
import { GENERATION_MODES, type GenerationMode } from '../predictions/PredictionInput';
import { useStudioStore } from '../state/store';
import { MODE_LABELS } from './ModeTabs';
import { useStudio } from './StudioContext';
import { useFileDrop } from './useFileDrop';

interface Loaded {
  file: File;
  text: string | null;
  parsed: ParsedParameters | null;
  error?: string;
}

const FIELD_ROWS: Array<[keyof ParsedParameters['input'], string]> = [
  ['prompt', 'Prompt'],
  ['negative_prompt', 'Negative prompt'],
  ['num_inference_steps', 'Steps'],
  ['scheduler', 'Scheduler'],
  ['guidance_scale', 'Guidance scale'],
  ['seed', 'Seed'],
  ['prompt_strength', 'Prompt strength'],
  ['num_outputs', 'Number of outputs'],
];

export function PngInfoPanel({ onSent }: { onSent(mode: GenerationMode): void }) {
  const controller = useStudio();
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  const read = async (file: File) => {
    try {
      const text = (await readPngText(file)).parameters ?? null;
      setLoaded({ file, text, parsed: text ? parseParameters(text) : null, error: text ? undefined : `${file.name} has no generation parameters (no "parameters" text chunk).` });
    } catch (error) {
      setLoaded({ file, text: null, parsed: null, error: `${file.name} is not a PNG this page can read: ${(error as Error).message}` });
    }
  };
  const send = async (mode: GenerationMode) => {
    const parsed = loaded?.parsed;
    if (!parsed || !loaded) return;
    const state = useStudioStore.getState();
    state.applyParameters(mode, parsed.input);
    if (parsed.size && mode !== 'image-to-image') state.updateDraft(mode, { width: String(parsed.size.width), height: String(parsed.size.height) });
    if (parsed.noiseDevice) state.setNoiseDevice(parsed.noiseDevice);
    if (mode !== 'text-to-image') await controller.loadInput(mode, loaded.file);
    onSent(mode);
  };
  const { dragging, handlers } = useFileDrop((file) => void read(file));

  return (
    <section className="png-info" aria-label="PNG Info">
      <div className={`drop-zone${dragging ? ' drop-zone-active' : ''}`} {...handlers}>
        <label className="png-info-pick">
          PNG file
          <input type="file" accept="image/png" onChange={(event) => event.target.files?.[0] && void read(event.target.files[0])} />
        </label>
        <p className="drop-hint">or drop a PNG here. Its parameters are read from the file; nothing is uploaded.</p>
      </div>
      {loaded?.error && (
        <p className="field-error" role="alert">
          {loaded.error}
        </p>
      )}
      {loaded?.parsed && (
        <>
          <dl className="png-info-fields">
            {FIELD_ROWS.filter(([field]) => loaded.parsed!.input[field] !== undefined).map(([field, label]) => (
              <div key={field}>
                <dt>{label}</dt>
                <dd>{String(loaded.parsed!.input[field])}</dd>
              </div>
            ))}
            {loaded.parsed.size && (
              <div>
                <dt>Size</dt>
                <dd>
                  {loaded.parsed.size.width}×{loaded.parsed.size.height}
                </dd>
              </div>
            )}
            {loaded.parsed.sampler && (
              <div>
                <dt>Sampler</dt>
                <dd>{loaded.parsed.sampler}</dd>
              </div>
            )}
            {loaded.parsed.model && (
              <div>
                <dt>Model</dt>
                <dd>{loaded.parsed.model}</dd>
              </div>
            )}
          </dl>
          <details>
            <summary>Parameters text</summary>
            <pre className="png-info-text">{loaded.text}</pre>
          </details>
          <div className="png-info-actions">
            {GENERATION_MODES.map((mode) => (
              <button key={mode} type="button" onClick={() => void send(mode)}>
                Send to {MODE_LABELS[mode]}
              </button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
