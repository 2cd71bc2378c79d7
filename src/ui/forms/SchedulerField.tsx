// Scheduler picker: Replicate's six names first (what the remote models accept), then the other engine schedulers
// under their diffusers class names.
import { DIFFUSERS_SCHEDULER_NAMES, REPLICATE_SCHEDULERS, REPLICATE_SCHEDULER_NAMES } from '../../engine/schedulers';
import { Field } from './Field';

const SHOWN_BY_REPLICATE_NAME = new Set<string>(Object.values(REPLICATE_SCHEDULERS));
const OTHER_SCHEDULERS = DIFFUSERS_SCHEDULER_NAMES.filter((name) => !SHOWN_BY_REPLICATE_NAME.has(name));

interface SchedulerFieldProps {
  value: string;
  /** The model's own list, when it narrows the engine's. */
  allowed?: readonly string[];
  onChange(value: string): void;
  error?: string;
}

export function SchedulerField({ value, allowed, onChange, error }: SchedulerFieldProps) {
  const shown = (names: readonly string[]) => (allowed ? names.filter((name) => allowed.includes(name)) : names);
  return (
    <Field label="Scheduler" error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} value={value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => onChange(event.target.value)}>
          <optgroup label="Replicate schedulers">
            {shown(REPLICATE_SCHEDULER_NAMES).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </optgroup>
          <optgroup label="More diffusers schedulers">
            {shown(OTHER_SCHEDULERS).map((name) => (
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
