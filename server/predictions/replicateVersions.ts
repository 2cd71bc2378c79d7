// The three Replicate model versions this server answers to (REPLICATE_VERSIONS in src/predictions/modelSchemas.ts),
// each with the schema its inputs are checked against: Replicate's fields, defaults and limits, and its six
// scheduler names. Every version runs on the one model folder the server loaded.
import { defaultModeSchemas, REPLICATE_VERSIONS, type ModeSchema } from '../../src/predictions/modelSchemas';
import type { GenerationMode } from '../../src/predictions/PredictionInput';
import { REPLICATE_SCHEDULER_NAMES } from '../../src/predictions/schedulerNames';

export interface ServedVersion {
  mode: GenerationMode;
  /** "owner/name", e.g. "stability-ai/stable-diffusion". */
  model: string;
  /** The 64-hex version id. */
  id: string;
  schema: ModeSchema;
}

const SCHEMAS = defaultModeSchemas(REPLICATE_SCHEDULER_NAMES);

export const SERVED_VERSIONS: readonly ServedVersion[] = (Object.entries(REPLICATE_VERSIONS) as Array<[GenerationMode, string]>).map(
  ([mode, ref]) => {
    const [model, id] = ref.split(':');
    return { mode, model, id, schema: SCHEMAS[mode] };
  },
);

/** Accepts the bare id or "owner/name:id", as Replicate does; the id alone decides. */
export function findVersion(ref: string): ServedVersion | undefined {
  const id = ref.includes(':') ? ref.slice(ref.lastIndexOf(':') + 1) : ref;
  return SERVED_VERSIONS.find((version) => version.id === id.toLowerCase());
}

export function findModel(owner: string, name: string): ServedVersion | undefined {
  return SERVED_VERSIONS.find((version) => version.model === `${owner}/${name}`.toLowerCase());
}
