// The one place generators are built: the studio asks for "local" or a remote API by configuration, and gets a
// Generator; nothing else constructs one by hand.
import type { Generator } from './Generator';
import { LocalGenerator, type LocalGeneratorOptions } from './LocalGenerator';

export type GeneratorConfig = { kind: 'local' } & LocalGeneratorOptions;

export function createStudioGenerator(config: GeneratorConfig): Generator {
  switch (config.kind) {
    case 'local':
      return new LocalGenerator(config);
  }
}
