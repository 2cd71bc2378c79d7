// Generation settings as the user edits them: one draft per mode (text fields hold what was typed, so a half-typed
// number is not lost), the seed and its lock, and app-wide options. Persisted, so settings survive a reload.
import type { StateCreator } from 'zustand';
import type { NoiseDevice } from '../predictions/backends';
import { GENERATION_MODES, type GenerationMode, type PredictionInput } from '../predictions/PredictionInput';
import { LOCAL_MODE_SCHEMAS, type ModeSchema, type ModeSchemas } from '../predictions/modelSchemas';
import { checkNumber } from '../predictions/validateInput';
import type { ComputeOn } from './remoteSlice';
import type { DecoderChoice, PromptWeighting } from '../predictions/backends';
import type { StudioState } from './store';

/** Schemas are plain data built the same way each time, so equal ones serialise identically. */
const sameSchema = (a: ModeSchema, b: ModeSchema | undefined) => b !== undefined && JSON.stringify(a) === JSON.stringify(b);

export const DRAFT_NUMBER_FIELDS = ['width', 'height', 'num_outputs', 'guidance_scale', 'num_inference_steps', 'prompt_strength'] as const;
export type DraftNumberField = (typeof DRAFT_NUMBER_FIELDS)[number];

export interface ModeDraft extends Record<DraftNumberField, string> {
  prompt: string;
  negative_prompt: string;
  scheduler: string;
}

export interface SeedSetting {
  /** The seed as typed or as last used; random runs overwrite it with the seed they used. */
  value: string;
  /** Locked: every run uses `value`. Unlocked: every run picks a new random seed. */
  locked: boolean;
}

export interface SettingsSlice {
  activeMode: GenerationMode;
  /**
   * What the running generator serves: each mode's fields, defaults, limits and schedulers, the model's profile
   * applied. A mode missing here is not offered. Not persisted: the generator supplies it at start-up.
   */
  schemas: ModeSchemas;
  drafts: Record<GenerationMode, ModeDraft>;
  seed: SeedSetting;
  noiseDevice: NoiseDevice;
  /** Inpainting: feather radius in pixels for the final composite. */
  maskBlur: number;
  /** 'a1111': A1111's (emphasis:1.2) syntax and prompts longer than 75 tokens in chunks. Off by default, as Replicate and diffusers. */
  promptWeighting: PromptWeighting;
  setPromptWeighting(weighting: PromptWeighting): void;
  /** The Karras schedule, where the chosen scheduler has one (A1111's "Schedule type: Karras"). */
  karrasSigmas: boolean;
  setKarrasSigmas(karras: boolean): void;
  /** The decoder local runs use: the model's VAE, or a stored TAESD (faster, approximate). */
  decoder: DecoderChoice;
  setDecoder(decoder: DecoderChoice): void;
  /** 'Compute on': a local backend, Auto, or Remote. */
  backendPreference: ComputeOn;
  setActiveMode(mode: GenerationMode): void;
  updateDraft(mode: GenerationMode, patch: Partial<ModeDraft>): void;
  resetDraft(mode: GenerationMode): void;
  setSeed(patch: Partial<SeedSetting>): void;
  setNoiseDevice(device: NoiseDevice): void;
  setMaskBlur(radius: number): void;
  setBackendPreference(preference: ComputeOn): void;
  /**
   * Another generator or model runs now: its schemas replace the old ones, and every field their limits no longer
   * allow (SD-Turbo's 1–4 steps after 50) takes the new default; fields still valid keep what the user typed.
   */
  setSchemas(schemas: ModeSchemas): void;
  /** Reuse a prediction's parameters: fills the mode's draft and locks its seed. */
  applyParameters(mode: GenerationMode, input: PredictionInput<unknown>): void;
}

/**
 * One prompt and one negative prompt for every mode, as A1111 users expect: switching tabs keeps what was typed.
 * The drafts store them per mode (older saved settings do too); a change to either is copied to every mode.
 */
function withSharedPrompts(drafts: Record<GenerationMode, ModeDraft>, patch: Partial<ModeDraft>): Record<GenerationMode, ModeDraft> {
  const shared: Partial<ModeDraft> = {};
  if (patch.prompt !== undefined) shared.prompt = patch.prompt;
  if (patch.negative_prompt !== undefined) shared.negative_prompt = patch.negative_prompt;
  if (Object.keys(shared).length === 0) return drafts;
  const next = { ...drafts };
  for (const mode of GENERATION_MODES) next[mode] = { ...next[mode], ...shared };
  return next;
}

export function defaultDraft(schema: ModeSchema): ModeDraft {
  const { defaults } = schema;
  return {
    prompt: '',
    negative_prompt: '',
    scheduler: defaults.scheduler,
    width: String(defaults.width),
    height: String(defaults.height),
    num_outputs: String(defaults.num_outputs),
    guidance_scale: String(defaults.guidance_scale),
    num_inference_steps: String(defaults.num_inference_steps),
    prompt_strength: String(defaults.prompt_strength),
  };
}

export const createSettingsSlice: StateCreator<StudioState, [], [], SettingsSlice> = (set) => ({
  activeMode: 'text-to-image',
  schemas: LOCAL_MODE_SCHEMAS,
  drafts: {
    'text-to-image': defaultDraft(LOCAL_MODE_SCHEMAS['text-to-image']),
    'image-to-image': defaultDraft(LOCAL_MODE_SCHEMAS['image-to-image']),
    inpainting: defaultDraft(LOCAL_MODE_SCHEMAS.inpainting),
  },
  seed: { value: '', locked: false },
  noiseDevice: 'cpu',
  maskBlur: 4,
  promptWeighting: 'none',
  setPromptWeighting: (promptWeighting) => set({ promptWeighting }),
  karrasSigmas: false,
  setKarrasSigmas: (karrasSigmas) => set({ karrasSigmas }),
  decoder: 'vae',
  setDecoder: (decoder) => set({ decoder }),
  backendPreference: 'auto',
  setActiveMode: (mode) => set({ activeMode: mode }),
  updateDraft: (mode, patch) => set((state) => ({ drafts: withSharedPrompts({ ...state.drafts, [mode]: { ...state.drafts[mode], ...patch } }, patch) })),
  resetDraft: (mode) => set((state) => ({ drafts: { ...state.drafts, [mode]: defaultDraft(state.schemas[mode] ?? LOCAL_MODE_SCHEMAS[mode]) } })),
  setSeed: (patch) => set((state) => ({ seed: { ...state.seed, ...patch } })),
  setNoiseDevice: (noiseDevice) => set({ noiseDevice }),
  setMaskBlur: (maskBlur) => set({ maskBlur }),
  setBackendPreference: (backendPreference) => set({ backendPreference }),
  setSchemas: (schemas) =>
    set((state) => {
      const drafts = { ...state.drafts };
      for (const mode of GENERATION_MODES) {
        const schema = schemas[mode];
        // The same schema again (the same model loaded once more) changes no limit: what the user typed stays,
        // out of range or not, with its error shown, rather than silently turning into the default.
        if (!schema || sameSchema(schema, state.schemas[mode])) continue;
        const defaults = defaultDraft(schema);
        const draft = { ...drafts[mode] };
        for (const field of DRAFT_NUMBER_FIELDS) {
          if (schema.fields.includes(field) && checkNumber(field, Number(draft[field]), schema.limits[field]) !== null) draft[field] = defaults[field];
        }
        if (!schema.schedulers.includes(draft.scheduler)) draft.scheduler = defaults.scheduler;
        drafts[mode] = draft;
      }
      return { drafts, schemas };
    }),
  applyParameters: (mode, input) =>
    set((state) => {
      const draft = { ...state.drafts[mode] };
      if (typeof input.prompt === 'string') draft.prompt = input.prompt;
      if (typeof input.negative_prompt === 'string') draft.negative_prompt = input.negative_prompt;
      if (typeof input.scheduler === 'string') draft.scheduler = input.scheduler;
      for (const field of DRAFT_NUMBER_FIELDS) {
        const value = input[field];
        if (typeof value === 'number' && (state.schemas[mode] ?? LOCAL_MODE_SCHEMAS[mode]).fields.includes(field)) draft[field] = String(value);
      }
      const seed = typeof input.seed === 'number' ? { value: String(input.seed), locked: true } : state.seed;
      return { drafts: withSharedPrompts({ ...state.drafts, [mode]: draft }, draft), seed, activeMode: mode };
    }),
});
