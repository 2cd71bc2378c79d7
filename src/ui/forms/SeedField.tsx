// The seed: random by default, shown after every run, lockable so the next runs reuse it, and which PyTorch
// generator it follows (CPU, as a diffusers script; or NVIDIA's CUDA generator, as on Replicate's GPUs).
import type { NoiseDevice } from '../../predictions/backends';
import type { SeedSetting } from '../../state/settingsSlice';
import { Field } from './Field';

interface SeedFieldProps {
  seed: SeedSetting;
  onSeedChange(patch: Partial<SeedSetting>): void;
  noiseDevice: NoiseDevice;
  onNoiseDeviceChange(device: NoiseDevice): void;
  error?: string;
}

export function SeedField({ seed, onSeedChange, noiseDevice, onNoiseDeviceChange, error }: SeedFieldProps) {
  return (
    <fieldset className="seed-field">
      <legend>Seed</legend>
      <Field
        label="Seed"
        error={error}
        hint={
          seed.locked
            ? 'Locked: every run uses this seed.'
            : seed.value
              ? 'The last run\'s seed. Random: the next run picks a new one (tick Lock seed to reuse this one).'
              : 'Random: each run picks a new seed and shows it here.'
        }
      >
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="text"
            inputMode="numeric"
            value={seed.value}
            placeholder="random"
            // Unlocked, the box shows the last run's seed: styled as a record, not as a seed that will be used.
            className={seed.locked ? undefined : 'seed-unlocked'}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            // Typing a seed locks it: that is what someone typing a seed wants.
            onChange={(event) => onSeedChange({ value: event.target.value, locked: event.target.value.trim() !== '' || seed.locked })}
          />
        )}
      </Field>
      <div className="seed-actions">
        <label className="checkbox">
          <input type="checkbox" checked={seed.locked} onChange={(event) => onSeedChange({ locked: event.target.checked })} />
          Lock seed
        </label>
        <button type="button" onClick={() => onSeedChange({ value: '', locked: false })}>
          Random seed
        </button>
      </div>
      <Field label="Noise generator">
        {({ id }) => (
          <select id={id} value={noiseDevice} onChange={(event) => onNoiseDeviceChange(event.target.value as NoiseDevice)}>
            <option value="cpu">CPU (same as a diffusers script)</option>
            <option value="cuda">NVIDIA GPU (same as Replicate, A1111 "NV")</option>
          </select>
        )}
      </Field>
    </fieldset>
  );
}
