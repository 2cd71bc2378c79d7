// Reads a graph's input/output metadata and decides how to feed it (names, element types, timestep shape, batch
// limits), so the engine adapts to the export in hand instead of hard-coding one. A graph that doesn't fit the
// Stable Diffusion export contract gets a ModelContractError naming the input and what was expected.
import { ModelContractError } from './errors';
import type { ModelComponent, ModelSession, TensorInfo } from './runtime';

export type FloatType = 'float32' | 'float16';

interface Port {
  name: string;
  info: TensorInfo;
}

export interface TextEncoderBinding {
  idsName: string;
  idsType: 'int32' | 'int64';
  hiddenStatesName: string;
  maxBatch: number;
}

export interface UnetBinding {
  sampleName: string;
  sampleType: FloatType;
  /** 4 for a text-to-image UNet, 9 for an inpainting UNet; null when the graph leaves it dynamic. */
  inChannels: number | null;
  timestepName: string;
  timestepType: 'int64' | 'float32' | 'float16';
  /** `[B]` (one per image), `[1]` (broadcast) or a scalar. */
  timestepShape: 'batch' | 'one' | 'scalar';
  hiddenStatesName: string;
  hiddenStatesType: FloatType;
  outputName: string;
  maxBatch: number;
}

export interface VaeDecoderBinding {
  latentName: string;
  latentType: FloatType;
  outputName: string;
  maxBatch: number;
}

export interface VaeEncoderBinding {
  imageName: string;
  imageType: FloatType;
  outputName: string;
  /** `latent_parameters` holds mean and log-variance (8 channels): the engine takes the mean. */
  outputIsParameters: boolean;
  maxBatch: number;
}

function describeNames(infos: readonly TensorInfo[]): string {
  return infos.length ? infos.map((i) => `"${i.name}"`).join(', ') : 'none';
}

function findInput(component: ModelComponent, session: ModelSession, names: readonly string[]): Port {
  for (const name of names) {
    const info = session.inputs.find((i) => i.name === name);
    if (info) return { name, info };
  }
  throw new ModelContractError(
    `${component}: missing input "${names[0]}"; expected inputs named ${names.map((n) => `"${n}"`).join(' or ')}, ` +
      `the graph has ${describeNames(session.inputs)}`,
  );
}

function findOutput(component: ModelComponent, session: ModelSession, names: readonly string[]): Port {
  for (const name of names) {
    const info = session.outputs.find((i) => i.name === name);
    if (info) return { name, info };
  }
  throw new ModelContractError(
    `${component}: missing output "${names[0]}"; expected ${names.map((n) => `"${n}"`).join(' or ')}, ` +
      `the graph has ${describeNames(session.outputs)}`,
  );
}

function requireType<T extends string>(component: ModelComponent, port: Port, allowed: readonly T[], role: string): T {
  if (!(allowed as readonly string[]).includes(port.info.type)) {
    throw new ModelContractError(
      `${component}: ${role} "${port.name}" has element type ${port.info.type}; expected ${allowed.join(' or ')}`,
    );
  }
  return port.info.type as T;
}

function requireRank(component: ModelComponent, port: Port, ranks: readonly number[], layout: string): void {
  const shape = port.info.shape;
  if (shape && !ranks.includes(shape.length)) {
    throw new ModelContractError(
      `${component}: "${port.name}" has shape [${shape.join(', ')}]; expected ${layout}`,
    );
  }
}

/** The largest batch a graph accepts per run: its static batch dimension, or unlimited when dynamic. */
function batchLimit(port: Port): number {
  const batch = port.info.shape?.[0];
  return typeof batch === 'number' && batch > 0 ? batch : Number.POSITIVE_INFINITY;
}

const FLOATS = ['float32', 'float16'] as const;

/**
 * An input the engine doesn't feed would make every run fail inside onnxruntime ("missing input"); say so when the
 * graph is bound, naming it (e.g. LCM's "timestep_cond", SDXL's "text_embeds").
 */
function rejectUnknownInputs(component: ModelComponent, session: ModelSession, fed: readonly Port[]): void {
  const unknown = session.inputs.filter((input) => !fed.some((port) => port.name === input.name));
  if (unknown.length > 0) {
    throw new ModelContractError(
      `${component}: takes input${unknown.length > 1 ? 's' : ''} ${describeNames(unknown)} that this engine does not feed; ` +
        `it feeds ${fed.map((port) => `"${port.name}"`).join(', ')}`,
    );
  }
}

export function bindTextEncoder(session: ModelSession, maxLength: number): TextEncoderBinding {
  const ids = findInput('text_encoder', session, ['input_ids']);
  const idsType = requireType('text_encoder', ids, ['int32', 'int64'], 'input');
  requireRank('text_encoder', ids, [2], '[batch, sequence]');
  const sequence = ids.info.shape?.[1];
  if (typeof sequence === 'number' && sequence !== maxLength) {
    throw new ModelContractError(
      `text_encoder: "input_ids" has a fixed sequence length of ${sequence}; the tokenizer produces ${maxLength}`,
    );
  }
  rejectUnknownInputs('text_encoder', session, [ids]);
  const hidden = findOutput('text_encoder', session, ['last_hidden_state', 'text_embeds']);
  requireType('text_encoder', hidden, FLOATS, 'output');
  requireRank('text_encoder', hidden, [3], '[batch, sequence, hidden]');
  return { idsName: ids.name, idsType, hiddenStatesName: hidden.name, maxBatch: batchLimit(ids) };
}

export function bindUnet(session: ModelSession): UnetBinding {
  const sample = findInput('unet', session, ['sample']);
  const sampleType = requireType('unet', sample, FLOATS, 'input');
  requireRank('unet', sample, [4], '[batch, channels, height, width]');
  const channels = sample.info.shape?.[1];
  if (typeof channels === 'number' && channels !== 4 && channels !== 9) {
    throw new ModelContractError(`unet: "sample" has ${channels} channels; expected 4 (text-to-image) or 9 (inpainting)`);
  }
  const timestep = findInput('unet', session, ['timestep']);
  const timestepType = requireType('unet', timestep, ['int64', 'float32', 'float16'], 'input');
  const timestepDims = timestep.info.shape;
  if (timestepDims && timestepDims.length > 1) {
    throw new ModelContractError(
      `unet: "timestep" has shape [${timestepDims.join(', ')}]; expected [batch], [1] or a scalar`,
    );
  }
  const timestepShape = !timestepDims ? 'batch' : timestepDims.length === 0 ? 'scalar' : timestepDims[0] === 1 ? 'one' : 'batch';
  const hidden = findInput('unet', session, ['encoder_hidden_states']);
  const hiddenStatesType = requireType('unet', hidden, FLOATS, 'input');
  requireRank('unet', hidden, [3], '[batch, sequence, hidden]');
  rejectUnknownInputs('unet', session, [sample, timestep, hidden]);
  const output = findOutput('unet', session, ['out_sample', 'noise_pred']);
  requireType('unet', output, FLOATS, 'output');
  return {
    sampleName: sample.name,
    sampleType,
    inChannels: typeof channels === 'number' ? channels : null,
    timestepName: timestep.name,
    timestepType,
    timestepShape,
    hiddenStatesName: hidden.name,
    hiddenStatesType,
    outputName: output.name,
    maxBatch: Math.min(batchLimit(sample), batchLimit(hidden)),
  };
}

export function bindVaeDecoder(session: ModelSession): VaeDecoderBinding {
  const latent = findInput('vae_decoder', session, ['latent_sample']);
  const latentType = requireType('vae_decoder', latent, FLOATS, 'input');
  requireRank('vae_decoder', latent, [4], '[batch, 4, latent_height, latent_width]');
  rejectUnknownInputs('vae_decoder', session, [latent]);
  const output = findOutput('vae_decoder', session, ['sample']);
  requireType('vae_decoder', output, FLOATS, 'output');
  return { latentName: latent.name, latentType, outputName: output.name, maxBatch: batchLimit(latent) };
}

export function bindVaeEncoder(session: ModelSession): VaeEncoderBinding {
  const image = findInput('vae_encoder', session, ['sample']);
  const imageType = requireType('vae_encoder', image, FLOATS, 'input');
  requireRank('vae_encoder', image, [4], '[batch, 3, height, width]');
  rejectUnknownInputs('vae_encoder', session, [image]);
  const output = findOutput('vae_encoder', session, ['latent_sample', 'latent_parameters', 'latent_dist']);
  requireType('vae_encoder', output, FLOATS, 'output');
  return {
    imageName: image.name,
    imageType,
    outputName: output.name,
    outputIsParameters: output.name !== 'latent_sample',
    maxBatch: batchLimit(image),
  };
}
