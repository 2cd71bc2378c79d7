// The numeric parameters a mode accepts, with their limits as hints and their validation messages.
import { engineSchema } from '../../engine/pipelines/engineInput';
import { selectedModel } from '../../state/modelsSlice';
import { useStudioStore } from '../../state/store';
import type { GenerationMode } from '../../predictions/PredictionInput';
import type { DraftNumberField, ModeDraft } from '../../state/settingsSlice';
import { NumberField } from './Field';
import type { FieldErrors } from './draftToInput';
import { SchedulerField } from './SchedulerField';

const LABELS: Record<DraftNumberField, string> = {
  width: 'Width',
  height: 'Height',
  num_outputs: 'Number of outputs',
  guidance_scale: 'Guidance scale',
  num_inference_steps: 'Steps',
  prompt_strength: 'Prompt strength',
};

const ORDER: DraftNumberField[] = ['width', 'height', 'num_inference_steps', 'guidance_scale', 'num_outputs', 'prompt_strength'];

interface ParameterFieldsProps {
  mode: GenerationMode;
  draft: ModeDraft;
  errors: FieldErrors;
  onChange(patch: Partial<ModeDraft>): void;
}

export function ParameterFields({ mode, draft, errors, onChange }: ParameterFieldsProps) {
  // The limits follow the model that runs (SD-Turbo: 512², 1–4 steps).
  const profile = useStudioStore((s) => selectedModel(s)?.profile);
  const schema = engineSchema(mode, profile);
  const fields = ORDER.filter((field) => schema.fields.includes(field));
  return (
    <div className="parameter-fields">
      <SchedulerField value={draft.scheduler} allowed={profile?.schedulers} error={errors.scheduler} onChange={(scheduler) => onChange({ scheduler })} />
      <div className="parameter-grid">
        {fields.map((field) => {
          const limit = schema.limits[field];
          return (
            <NumberField
              key={field}
              label={LABELS[field]}
              value={draft[field]}
              error={errors[field]}
              inputMode={limit.integer ? 'numeric' : 'decimal'}
              step={limit.multipleOf ? String(limit.multipleOf) : limit.integer ? '1' : '0.05'}
              min={limit.exclusiveMin ? undefined : limit.min}
              max={limit.max}
              hint={limit.exclusiveMin ? `${limit.min}–${limit.max}, above ${limit.min}` : `${limit.min}–${limit.max}`}
              onChange={(value) => onChange({ [field]: value })}
            />
          );
        })}
      </div>
    </div>
  );
}
