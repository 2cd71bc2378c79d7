// Scheduler picker over the names the running generator accepts: Replicate's names first (what the remote models
// take), then the rest (the engine's other diffusers classes, or a remote API's own names).
import { REPLICATE_SCHEDULER_NAMES, REPLICATE_SCHEDULERS } from '../../predictions/schedulerNames';
import { Field } from './Field';

const REPLICATE_NAMES = new Set<string>(REPLICATE_SCHEDULER_NAMES);
/** Diffusers classes a Replicate name already offers: listed once, under the Replicate name. */
const SHOWN_BY_REPLICATE_NAME = new Set<string>(Object.values(REPLICATE_SCHEDULERS));

interface SchedulerFieldProps {
  value: string;
  /** The names the generator accepts for this mode, in its order. */
  allowed: readonly string[];
  onChange(value: string): void;
  error?: string;
}

export function SchedulerField({ value, allowed, onChange, error }: SchedulerFieldProps) {
  const replicate = allowed.filter((name) => REPLICATE_NAMES.has(name));
  const others = allowed.filter((name) => !REPLICATE_NAMES.has(name) && !(replicate.length > 0 && SHOWN_BY_REPLICATE_NAME.has(name)));
  const options = (names: readonly string[]) =>
    names.map((name) => (
      <option key={name} value={name}>
        {name}
      </option>
    ));
  return (
    <Field label="Scheduler" error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} value={value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => onChange(event.target.value)}>
          {replicate.length > 0 && <optgroup label="Replicate schedulers">{options(replicate)}</optgroup>}
          {others.length > 0 && <optgroup label={replicate.length > 0 ? 'More diffusers schedulers' : 'Schedulers'}>{options(others)}</optgroup>}
        </select>
      )}
    </Field>
  );
}
