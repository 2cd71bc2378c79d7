// Scheduler picker over the names the running generator accepts, shown by the names A1111 users know ("DPM++ 2M",
// "Euler a"); the values stay Replicate's names first (what a Replicate model takes), then the engine's other
// diffusers classes, or a remote API's own names. A Karras switch where the scheduler has that schedule.
import { A1111_SAMPLER_NAMES, KARRAS_SCHEDULERS, REPLICATE_SCHEDULER_NAMES, REPLICATE_SCHEDULERS, schedulerClassOf } from '../../predictions/schedulerNames';
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
  karras: boolean;
  onKarrasChange(karras: boolean): void;
}

/** Whether `name`'s scheduler has a Karras schedule (diffusers' use_karras_sigmas). */
export function hasKarras(name: string): boolean {
  const className = schedulerClassOf(name);
  return className !== undefined && KARRAS_SCHEDULERS.has(className);
}

export function SchedulerField({ value, allowed, onChange, error, karras, onKarrasChange }: SchedulerFieldProps) {
  const replicate = allowed.filter((name) => REPLICATE_NAMES.has(name));
  const others = allowed.filter((name) => !REPLICATE_NAMES.has(name) && !(replicate.length > 0 && SHOWN_BY_REPLICATE_NAME.has(name)));
  const options = (names: readonly string[]) =>
    names.map((name) => (
      <option key={name} value={name}>
        {A1111_SAMPLER_NAMES[name] ?? name}
      </option>
    ));
  const karrasAvailable = hasKarras(value);
  return (
    <div className="scheduler-row">
      <Field label="Scheduler" error={error} hint={A1111_SAMPLER_NAMES[value] ? `${value} in the API` : undefined}>
        {({ id, describedBy, invalid }) => (
          <select id={id} value={value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(event) => onChange(event.target.value)}>
            {replicate.length > 0 && <optgroup label="Replicate schedulers">{options(replicate)}</optgroup>}
            {others.length > 0 && <optgroup label={replicate.length > 0 ? 'More diffusers schedulers' : 'Schedulers'}>{options(others)}</optgroup>}
          </select>
        )}
      </Field>
      <label className="checkbox" title={karrasAvailable ? 'Karras noise schedule (diffusers use_karras_sigmas); local runs only' : 'This scheduler has no Karras schedule'}>
        <input type="checkbox" checked={karras && karrasAvailable} disabled={!karrasAvailable} onChange={(event) => onKarrasChange(event.target.checked)} aria-label="Karras schedule" />
        Karras
      </label>
    </div>
  );
}
