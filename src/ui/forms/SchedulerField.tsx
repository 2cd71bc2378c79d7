// Scheduler picker: Replicate's six names first (what the remote models accept), then the other engine schedulers
// under their diffusers class names.
import { DIFFUSERS_SCHEDULER_NAMES, REPLICATE_SCHEDULERS, REPLICATE_SCHEDULER_NAMES } from '../../engine/schedulers';
import { Field } from './Field';

const SHOWN_BY_REPLICATE_NAME = new Set<string>(Object.values(REPLICATE_SCHEDULERS));
const OTHER_SCHEDULERS = DIFFUSERS_SCHEDULER_NAMES.filter((name) => !SHOWN_BY_REPLICATE_NAME.has(name));

interface SchedulerFieldProps {
  value: string;
  onChange(value: string): void;
  error?: string;
}

export function SchedulerField({ value, onChange, error }: SchedulerFieldProps) {
  return (
    <Field label="Scheduler" error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} value={value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => onChange(event.target.value)}>
          <optgroup label="Replicate schedulers">
            {REPLICATE_SCHEDULER_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </optgroup>
          <optgroup label="More diffusers schedulers">
            {OTHER_SCHEDULERS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </optgroup>
        </select>
      )}
    </Field>
  );
}
