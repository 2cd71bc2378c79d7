// The numeric parameters a mode accepts, with their limits as hints and their validation messages.
import { ASPECT_PRESETS, presetSize } from '../../app/aspectPresets';
import { FIELD_LABELS, limitHint } from '../../app/formMessages';
import type { ModeSchema } from '../../predictions/modelSchemas';
import { useStudioStore } from '../../state/store';
import type { DraftNumberField, ModeDraft } from '../../state/settingsSlice';
import { NumberField } from './Field';
import type { FieldErrors } from '../../app/draftToInput';
import { SchedulerField } from './SchedulerField';


const ORDER: DraftNumberField[] = ['width', 'height', 'num_inference_steps', 'guidance_scale', 'num_outputs', 'prompt_strength'];

interface ParameterFieldsProps {
  schema: ModeSchema;
  draft: ModeDraft;
  errors: FieldErrors;
  onChange(patch: Partial<ModeDraft>): void;
}

export function ParameterFields({ schema, draft, errors, onChange }: ParameterFieldsProps) {
  const karras = useStudioStore((s) => s.karrasSigmas);
  const setKarras = useStudioStore((s) => s.setKarrasSigmas);
  const fields = ORDER.filter((field) => schema.fields.includes(field));
  return (
    <div className="parameter-fields">
      <SchedulerField
        value={draft.scheduler}
        allowed={schema.schedulers}
        error={errors.scheduler}
        onChange={(scheduler) => onChange({ scheduler })}
        karras={karras}
        onKarrasChange={setKarras}
      />
      {schema.fields.includes('width') && <SizePresets schema={schema} draft={draft} onChange={onChange} />}
      <div className="parameter-grid">
        {fields.map((field) => {
          const limit = schema.limits[field];
          return (
            <NumberField
              key={field}
              label={FIELD_LABELS[field]}
              value={draft[field]}
              error={errors[field]}
              inputMode={limit.integer ? 'numeric' : 'decimal'}
              step={limit.multipleOf ? String(limit.multipleOf) : limit.integer ? '1' : '0.05'}
              min={limit.exclusiveMin ? undefined : limit.min}
              max={limit.max}
              hint={limitHint(limit)}
              onChange={(value) => onChange({ [field]: value })}
            />
          );
        })}
      </div>
    </div>
  );
}

/** Aspect-ratio presets within the model's limits, and a swap of Width and Height. */
function SizePresets({ schema, draft, onChange }: { schema: ModeSchema; draft: ModeDraft; onChange(patch: Partial<ModeDraft>): void }) {
  const { limits, defaults } = schema;
  const area = defaults.width * defaults.height;
  return (
    <div className="size-presets" role="group" aria-label="Size presets">
      {ASPECT_PRESETS.map(({ label, ratio }) => {
        const size = presetSize(ratio, area, limits);
        const current = size && draft.width === String(size.width) && draft.height === String(size.height);
        return (
          <button
            key={label}
            type="button"
            aria-pressed={Boolean(current)}
            disabled={!size}
            title={size ? `${size.width}×${size.height}` : 'Not a size this model takes'}
            onClick={() => size && onChange({ width: String(size.width), height: String(size.height) })}
          >
            {label}
          </button>
        );
      })}
      <button type="button" aria-label="Swap width and height" title="Swap width and height" onClick={() => onChange({ width: draft.height, height: draft.width })}>
        ⇄
      </button>
    </div>
  );
}
