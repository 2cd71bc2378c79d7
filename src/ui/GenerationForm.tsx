// The active mode's form: prompts, input image (image-to-image), parameters, seed and backend, and Generate.
// Errors come from the shared validation module and show next to their fields; nothing runs while any remains.
import { useMemo, useState, type FormEvent } from 'react';
import { imageToImageSize } from '../engine';
import { LOCAL_MODE_SCHEMAS } from '../predictions/modelSchemas';
import type { GenerationMode } from '../predictions/PredictionInput';
import { useStudioStore } from '../state/store';
import type { BackendPreference } from '../predictions/backends';
import { useStudio } from './StudioContext';
import { Field } from './forms/Field';
import { ParameterFields } from './forms/ParameterFields';
import { PromptFields } from './forms/PromptFields';
import { SeedField } from './forms/SeedField';
import { draftFieldErrors } from '../app/draftToInput';
import { ImageInput } from './ImageInput';

/** Errors about a missing image or mask are shown only after a Generate attempt, not as soon as the tab opens. */
const PRESENCE_FIELDS = new Set(['image', 'mask']);

export function GenerationForm({ mode }: { mode: GenerationMode }) {
  const controller = useStudio();
  const draft = useStudioStore((s) => s.drafts[mode]);
  const seed = useStudioStore((s) => s.seed);
  const noiseDevice = useStudioStore((s) => s.noiseDevice);
  const backendPreference = useStudioStore((s) => s.backendPreference);
  const inputMeta = useStudioStore((s) => (mode === 'text-to-image' ? null : s.inputs[mode]));
  const inputError = useStudioStore((s) => (mode === 'image-to-image' ? s.inputErrors[mode] : null));
  const { updateDraft, setSeed, setNoiseDevice, setBackendPreference } = useStudioStore.getState();
  const schema = useStudioStore((s) => s.schemas[mode] ?? LOCAL_MODE_SCHEMAS[mode]);
  const [attempted, setAttempted] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const errors = useMemo(() => {
    const all = draftFieldErrors(schema, draft, seed, { image: Boolean(inputMeta), mask: true });
    if (!attempted) for (const field of PRESENCE_FIELDS) delete all[field];
    return all;
  }, [schema, draft, seed, inputMeta, attempted]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    const outcome = controller.generate();
    setNotice(outcome.started ? null : (outcome.reason ?? null));
  };

  const maxSide = schema.limits.width.max;
  const img2imgSize = mode === 'image-to-image' && inputMeta ? imageToImageSize(inputMeta, maxSide) : null;

  return (
    <form className="generation-form" onSubmit={onSubmit} aria-label={`${mode} settings`} noValidate>
      <PromptFields prompt={draft.prompt} negativePrompt={draft.negative_prompt} errors={errors} onChange={(patch) => updateDraft(mode, patch)} />
      {mode === 'image-to-image' && (
        <ImageInput
          label="Input image"
          meta={inputMeta}
          error={inputError ?? (attempted ? (errors.image ?? null) : null)}
          sizeNote={
            img2imgSize && inputMeta
              ? img2imgSize.width === inputMeta.width && img2imgSize.height === inputMeta.height
                ? `Generated at ${img2imgSize.width}×${img2imgSize.height}, the image's own size.`
                : `Generated at ${img2imgSize.width}×${img2imgSize.height}: the image is scaled to fit ${maxSide} px and rounded to multiples of 8.`
              : undefined
          }
          onFile={(file) => void controller.loadInput('image-to-image', file)}
          onClear={() => controller.clearInput('image-to-image')}
        />
      )}
      <ParameterFields schema={schema} draft={draft} errors={errors} onChange={(patch) => updateDraft(mode, patch)} />
      <SeedField seed={seed} onSeedChange={setSeed} noiseDevice={noiseDevice} onNoiseDeviceChange={setNoiseDevice} error={errors.seed} />
      <Field label="Compute on" hint="Auto uses WebGPU when this device can run the model, WASM otherwise.">
        {({ id, describedBy }) => (
          <select id={id} aria-describedby={describedBy} value={backendPreference} onChange={(event) => setBackendPreference(event.target.value as BackendPreference)}>
            <option value="auto">Auto</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM (CPU)</option>
          </select>
        )}
      </Field>
      <div className="generate-row">
        <button type="submit" className="generate-button">
          Generate
        </button>
        <kbd className="shortcut-hint" aria-hidden="true">
          Ctrl+Enter
        </kbd>
      </div>
      {notice && (
        <p className="form-notice" role="alert">
          {notice}
        </p>
      )}
    </form>
  );
}
