// The numeric parameters a mode accepts, with their limits as hints and their validation messages.
import type { ModeSchema } from '../../predictions/modelSchemas';
import type { DraftNumberField, ModeDraft } from '../../state/settingsSlice';
import { NumberField } from './Field';
import type { FieldErrors } from '../../app/draftToInput';
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
  schema: ModeSchema;
  draft: ModeDraft;
  errors: FieldErrors;
  onChange(patch: Partial<ModeDraft>): void;
}

export function ParameterFields({ schema, draft, errors, onChange }: ParameterFieldsProps) {
  const fields = ORDER.filter((field) => schema.fields.includes(field));
  return (
    <div className="parameter-fields">
      <SchedulerField value={draft.scheduler} allowed={schema.schedulers} error={errors.scheduler} onChange={(scheduler) => onChange({ scheduler })} />
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
