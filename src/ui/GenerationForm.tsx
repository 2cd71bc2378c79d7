// The active mode's form: prompts, input image (image-to-image), parameters, seed and backend, and Generate.
// Errors come from the shared validation module and show next to their fields; nothing runs while any remains.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { countTokens, type TokenCount } from '../app/promptTokens';
import type { ClipTokenizer } from '../engine';
import type { DecoderChoice, PromptWeighting } from '../predictions/backends';
import { imageToImageSize } from '../engine';
import { LOCAL_MODE_SCHEMAS } from '../predictions/modelSchemas';
import type { GenerationMode } from '../predictions/PredictionInput';
import { useStudioStore } from '../state/store';
import { REMOTE_API_LABELS, type ComputeOn } from '../state/remoteSlice';
import { useModels, useStudio } from './StudioContext';
import { Field } from './forms/Field';
import { ParameterFields } from './forms/ParameterFields';
import { PromptFields } from './forms/PromptFields';
import { SeedField } from './forms/SeedField';
import { draftFieldErrors } from '../app/draftToInput';
import { ImageInput } from './ImageInput';
import { RemoteConsentDialog } from './RemoteConsentDialog';
import { RemoteSettings } from './RemoteSettings';

/** Errors about a missing image or mask are shown only after a Generate attempt, not as soon as the tab opens. */
const PRESENCE_FIELDS = new Set(['image', 'mask']);

/** The prompt's token count with the selected model's tokenizer (none until the model's files are stored). */
function usePromptTokens(prompt: string, weighting: PromptWeighting): TokenCount | null {
  const models = useModels();
  const modelId = useStudioStore((s) => s.selectedModelId);
  const ready = useStudioStore((s) => s.models.find((m) => m.id === s.selectedModelId)?.status === 'ready');
  const [tokenizer, setTokenizer] = useState<ClipTokenizer | null>(null);
  useEffect(() => {
    let current = true;
    if (ready) void models.tokenizer(modelId).then((loaded) => current && setTokenizer(loaded));
    return () => {
      current = false;
    };
  }, [models, modelId, ready]);
  return useMemo(() => (tokenizer ? countTokens(tokenizer, prompt, weighting) : null), [tokenizer, prompt, weighting]);
}

/** Where to look when Generate stopped at a missing image or mask (announced there, not twice). */
function pointerTo(mode: GenerationMode, field: string): string {
  if (field === 'mask') return 'Nothing ran: paint the mask over the image first (see the mask editor).';
  return mode === 'inpainting' ? 'Nothing ran: pick an image under Image to inpaint first.' : 'Nothing ran: pick an input image first (see Input image above).';
}

export function GenerationForm({ mode }: { mode: GenerationMode }) {
  const controller = useStudio();
  const draft = useStudioStore((s) => s.drafts[mode]);
  const seed = useStudioStore((s) => s.seed);
  const noiseDevice = useStudioStore((s) => s.noiseDevice);
  const backendPreference = useStudioStore((s) => s.backendPreference);
  const remoteLabel = useStudioStore((s) => REMOTE_API_LABELS[s.remote.api]);
  const promptWeighting = useStudioStore((s) => s.promptWeighting);
  const decoder = useStudioStore((s) => s.decoder);
  const setDecoder = useStudioStore((s) => s.setDecoder);
  const fastDecoder = useStudioStore((s) => s.models.find((m) => m.kind === 'decoder' && m.status === 'ready' && !m.demo) ?? s.models.find((m) => m.kind === 'decoder' && m.status === 'ready'));
  const setPromptWeighting = useStudioStore((s) => s.setPromptWeighting);
  const tokens = usePromptTokens(draft.prompt, promptWeighting);
  const inputMeta = useStudioStore((s) => (mode === 'text-to-image' ? null : s.inputs[mode]));
  const inputError = useStudioStore((s) => (mode === 'image-to-image' ? s.inputErrors[mode] : null));
  const { updateDraft, setSeed, setNoiseDevice, setBackendPreference } = useStudioStore.getState();
  const schema = useStudioStore((s) => s.schemas[mode] ?? LOCAL_MODE_SCHEMAS[mode]);
  const [attempted, setAttempted] = useState(false);
  const [notice, setNotice] = useState<{ text: string; alert: boolean } | null>(null);

  const errors = useMemo(() => {
    // The mask counts as present here (the editor reports its own); only inpainting has one.
    const all = draftFieldErrors(schema, draft, seed, { image: Boolean(inputMeta), mask: mode === 'inpainting' });
    if (!attempted) for (const field of PRESENCE_FIELDS) delete all[field];
    return all;
  }, [schema, draft, seed, inputMeta, attempted]);

  const [askRemote, setAskRemote] = useState<string | null>(null);
  const run = () => {
    const outcome = controller.generate();
    // Image and mask errors are announced where they are (the picker, the mask editor); here, only a pointer.
    const atInput = outcome.field === 'image' || outcome.field === 'mask';
    if (outcome.started) {
      // An empty prompt runs (the APIs allow it), but not silently: it is easy to miss after switching tabs.
      setNotice(draft.prompt.trim() === '' ? { text: 'Running without a prompt: the model draws whatever it likes.', alert: false } : null);
    } else {
      setNotice(outcome.askRemote || !outcome.reason ? null : { text: atInput ? pointerTo(mode, outcome.field!) : outcome.reason, alert: !atInput });
    }
    setAskRemote(outcome.askRemote ?? null);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    run();
  };

  const maxSide = schema.limits.width.max;
  const img2imgSize = mode === 'image-to-image' && inputMeta ? imageToImageSize(inputMeta, maxSide) : null;

  return (
    <form className="generation-form" onSubmit={onSubmit} aria-label={`${mode} settings`} noValidate>
      <PromptFields
        prompt={draft.prompt}
        negativePrompt={draft.negative_prompt}
        errors={errors}
        onChange={(patch) => updateDraft(mode, patch)}
        tokens={tokens}
        weighting={promptWeighting}
        onWeightingChange={setPromptWeighting}
      />
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
      <Field label="Compute on" hint="Auto uses WebGPU when this device can run the model, WASM otherwise, and asks before sending a job it can't run to the remote API.">
        {({ id, describedBy }) => (
          <select id={id} aria-describedby={describedBy} value={backendPreference} onChange={(event) => setBackendPreference(event.target.value as ComputeOn)}>
            <option value="auto">Auto</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM (CPU)</option>
            <option value="remote">Remote</option>
          </select>
        )}
      </Field>
      <Field
        label="Decoder"
        hint={fastDecoder ? `TAESD decodes at a small fraction of the full VAE's cost, a little less sharp; it also draws the live preview. Local runs only.` : 'Download the TAESD decoder in the Models panel to decode faster.'}
      >
        {({ id, describedBy }) => (
          <select id={id} aria-describedby={describedBy} value={fastDecoder ? decoder : 'vae'} onChange={(event) => setDecoder(event.target.value as DecoderChoice)}>
            <option value="vae">Full VAE</option>
            <option value="taesd" disabled={!fastDecoder}>
              TAESD (fast, approximate){fastDecoder?.demo ? ' — demo: random weights' : ''}
            </option>
          </select>
        )}
      </Field>
      <RemoteSettings />
      <div className="generate-row">
        <button type="submit" className="generate-button">
          Generate
        </button>
        <kbd className="shortcut-hint" aria-hidden="true">
          Ctrl+Enter
        </kbd>
      </div>
      {notice && (
        <p className={notice.alert ? 'form-notice' : 'form-note'} role={notice.alert ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      {askRemote && (
        <RemoteConsentDialog
          reason={askRemote}
          apiLabel={remoteLabel}
          onSend={() => {
            useStudioStore.getState().setRemoteConsent(true);
            setAskRemote(null);
            run();
          }}
          onCancel={() => setAskRemote(null)}
        />
      )}
    </form>
  );
}
