// A loaded Stable Diffusion export: tokenizer, scheduler config, VAE scaling factor, and its four ONNX sessions,
// created lazily (a text-to-image run never needs the VAE encoder) and checked against the export contract once.
import { ModelContractError } from './errors';
import {
  bindTextEncoder,
  bindUnet,
  bindVaeDecoder,
  bindVaeEncoder,
  type TextEncoderBinding,
  type UnetBinding,
  type VaeDecoderBinding,
  type VaeEncoderBinding,
} from './modelContract';
import type { ModelComponent, ModelSession, ModelSource } from './runtime';
import { ClipTokenizer } from './tokenizer/ClipTokenizer';
import type { ModelProfile } from '../predictions/modelSchemas';

/** SD 1.x and 2.x VAEs; read from the export's vae config when it says otherwise. */
const DEFAULT_VAE_SCALING_FACTOR = 0.18215;

export interface BoundSession<TBinding> {
  session: ModelSession;
  binding: TBinding;
}

interface Bindings {
  text_encoder: TextEncoderBinding;
  unet: UnetBinding;
  vae_decoder: VaeDecoderBinding;
  taesd_decoder: VaeDecoderBinding;
  vae_encoder: VaeEncoderBinding;
}

export interface StableDiffusionModel {
  readonly tokenizer: ClipTokenizer;
  /** `scheduler/scheduler_config.json` verbatim, `_class_name` included. */
  readonly schedulerConfig: Record<string, unknown>;
  readonly vaeScalingFactor: number;
  /** 9 for an inpainting UNet, 4 otherwise (from the graph, or its config when the graph leaves it dynamic). */
  unetInChannels(): Promise<number>;
  readonly profile?: ModelProfile;
  hasComponent(component: ModelComponent): Promise<boolean>;
  session<C extends ModelComponent>(component: C): Promise<BoundSession<Bindings[C]>>;
  /** Releases every session created so far; the model must not be used afterwards. */
  release(): Promise<void>;
}

async function readJson(source: ModelSource, path: string, required: boolean): Promise<Record<string, unknown> | null> {
  const text = await source.readText(path);
  if (text === null) {
    if (required) throw new ModelContractError(`model: missing file "${path}"`);
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ModelContractError(`model: "${path}" is not a JSON object (${(error as Error).message})`);
  }
}

async function loadTokenizer(source: ModelSource): Promise<ClipTokenizer> {
  const [vocab, merges, tokenizerConfig, specialTokensMap] = await Promise.all([
    source.readText('tokenizer/vocab.json'),
    source.readText('tokenizer/merges.txt'),
    source.readText('tokenizer/tokenizer_config.json'),
    source.readText('tokenizer/special_tokens_map.json'),
  ]);
  if (vocab === null || merges === null) {
    throw new ModelContractError('model: the tokenizer needs "tokenizer/vocab.json" and "tokenizer/merges.txt"');
  }
  return ClipTokenizer.fromTokenizerFiles({
    vocab,
    merges,
    tokenizerConfig: tokenizerConfig ?? undefined,
    specialTokensMap: specialTokensMap ?? undefined,
  });
}

export async function loadStableDiffusionModel(source: ModelSource, profile?: ModelProfile): Promise<StableDiffusionModel> {
  const [tokenizer, schedulerConfig, vaeConfig, unetConfig] = await Promise.all([
    loadTokenizer(source),
    readJson(source, 'scheduler/scheduler_config.json', true),
    readJson(source, 'vae_decoder/config.json', false),
    readJson(source, 'unet/config.json', false),
  ]);
  const scaling = vaeConfig?.scaling_factor;
  const vaeScalingFactor = typeof scaling === 'number' && scaling > 0 ? scaling : DEFAULT_VAE_SCALING_FACTOR;

  const binders: { [C in ModelComponent]: (session: ModelSession) => Bindings[C] } = {
    text_encoder: (session) => bindTextEncoder(session, tokenizer.maxLength),
    unet: bindUnet,
    vae_decoder: bindVaeDecoder,
    taesd_decoder: bindVaeDecoder,
    vae_encoder: bindVaeEncoder,
  };
  const sessions = new Map<ModelComponent, Promise<BoundSession<unknown>>>();
  let released = false;

  async function createBound<C extends ModelComponent>(component: C): Promise<BoundSession<Bindings[C]>> {
    if (!(await source.hasComponent(component))) {
      throw new ModelContractError(`model: this export has no ${component} (needed for this mode)`);
    }
    const session = await source.createSession(component);
    try {
      return { session, binding: binders[component](session) };
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  const model: StableDiffusionModel = {
    tokenizer,
    schedulerConfig: schedulerConfig!,
    vaeScalingFactor,
    profile,
    hasComponent: (component) => source.hasComponent(component),
    session<C extends ModelComponent>(component: C) {
      if (released) return Promise.reject(new ModelContractError('model: used after release()'));
      let pending = sessions.get(component);
      if (!pending) {
        pending = createBound(component);
        // A failed creation is not cached, so a later job can retry (e.g. after a device loss).
        pending.catch(() => sessions.delete(component));
        sessions.set(component, pending);
      }
      return pending as Promise<BoundSession<Bindings[C]>>;
    },
    async unetInChannels() {
      const { binding } = await model.session('unet');
      const fromConfig = unetConfig?.in_channels;
      return binding.inChannels ?? (typeof fromConfig === 'number' ? fromConfig : 4);
    },
    async release() {
      released = true;
      const pending = [...sessions.values()];
      sessions.clear();
      const settled = await Promise.allSettled(pending);
      await Promise.all(
        settled.map((s) => (s.status === 'fulfilled' ? s.value.session.release() : Promise.resolve())),
      );
    },
  };
  return model;
}
