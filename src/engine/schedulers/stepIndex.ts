// Where a sigma-indexed scheduler is in its schedule: diffusers' `_step_index` / `_begin_index` pair, found
// from the first timestep the loop passes in unless image-to-image set a begin index.
// Reference: diffusers scheduling_euler_discrete.py `index_for_timestep`, `_init_step_index`, `add_noise`.
import { EngineError } from '../errors';

/**
 * The position of `t` in `timesteps`. When `t` occurs more than once the second occurrence is taken, as
 * diffusers does, so that a loop starting in the middle of a schedule with repeated timesteps does not skip a
 * sigma.
 */
export function indexForTimestep(className: string, timesteps: readonly number[], t: number): number {
  const first = timesteps.indexOf(t);
  if (first < 0) {
    throw new EngineError(
      'invalid_input',
      `${className}: timestep ${t} is not in the current schedule (${timesteps.length} timesteps from ${timesteps[0]} ` +
        `to ${timesteps[timesteps.length - 1]}); call setTimesteps first and pass its timesteps`,
    );
  }
  const second = timesteps.indexOf(t, first + 1);
  return second < 0 ? first : second;
}

export class StepIndex {
  private stepIndex: number | null = null;
  private beginIndex: number | null = null;

  constructor(private readonly className: string) {}

  /** A new schedule forgets both indices (diffusers `set_timesteps`). */
  reset(): void {
    this.stepIndex = null;
    this.beginIndex = null;
  }

  setBeginIndex(beginIndex: number): void {
    this.beginIndex = beginIndex;
  }

  /** The index of the current step, fixed by the first timestep seen (or the begin index) and then counted. */
  current(timesteps: readonly number[], t: number): number {
    if (this.stepIndex === null) {
      this.stepIndex = this.beginIndex ?? indexForTimestep(this.className, timesteps, t);
    }
    if (this.stepIndex >= timesteps.length) {
      throw new EngineError(
        'invalid_input',
        `${this.className}: all ${timesteps.length} steps of the schedule are done; call setTimesteps to start again`,
      );
    }
    return this.stepIndex;
  }

  advance(): void {
    if (this.stepIndex !== null) this.stepIndex++;
  }

  /**
   * The index `add_noise` uses for timestep `t`: the running step once stepping began, the begin index before
   * that, and otherwise the timestep's own position.
   */
  forAddNoise(timesteps: readonly number[], t: number): number {
    if (this.beginIndex === null) return indexForTimestep(this.className, timesteps, t);
    return this.stepIndex ?? this.beginIndex;
  }
}
