// The engine's public API: tokenizer, schedulers, seeded generators, the three pipelines and the session
// interface they run on. The worker, Node scripts and tests import from here only.
export { ClipTokenizer } from './tokenizer/ClipTokenizer';
export { chunkPrompt, parsePromptAttention, type PromptChunk, type WeightedText } from './tokenizer/weightedPrompt';
export {
  createScheduler,
  isSchedulerName,
  diffusersClassName,
  SCHEDULER_NAMES,
  DIFFUSERS_SCHEDULER_NAMES,
  REPLICATE_SCHEDULER_NAMES,
  REPLICATE_SCHEDULERS,
} from './schedulers';
export type { Scheduler, SchedulerStepResult } from './schedulers/Scheduler';
export { img2imgTimesteps } from './schedulers/img2imgTimesteps';
export type { NoiseSource } from './random/NoiseSource';
export { createGenerator, type NoiseDevice } from './random/createGenerator';

export { loadStableDiffusionModel, type StableDiffusionModel, type BoundSession } from './model';
export { bindTextEncoder, bindUnet, bindVaeDecoder, bindVaeEncoder } from './modelContract';
export type {
  ModelComponent,
  ModelSession,
  ModelSource,
  HostTensor,
  SessionTensor,
  SessionFeed,
  TensorInfo,
  TensorData,
  TensorElementType,
} from './runtime';
export { isHostTensor } from './runtime';
export { textToImage } from './pipelines/textToImage';
export { imageToImage, imageToImageSize } from './pipelines/imageToImage';
export { inpaint, DEFAULT_MASK_BLUR } from './pipelines/inpaint';
export { generate } from './pipelines/generate';
export { prepareInput, engineSchema, ENGINE_MODE_SCHEMAS, type EngineInput } from './pipelines/engineInput';
export type { GenerationResult, ProgressEvent, RunOptions, RunPhase, RunTimings } from './pipelines/runContext';
export type { RgbaImage } from './image';
export { fitWithin, resamplePixels } from './imageResize';
export { maskLuma } from './imageMask';
export { checkImage, checkSize } from './rgbaImage';

export {
  EngineError,
  ValidationError,
  SchedulerConfigError,
  ModelContractError,
  NonFiniteOutputError,
  CancelledError,
  type EngineErrorCode,
  type FieldError,
} from './errors';
