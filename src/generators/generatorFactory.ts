// The one place generators are built: the studio asks for "local" or a remote API by configuration, and gets a
// Generator; nothing else constructs one by hand.
import type { Generator } from './Generator';
import { LocalGenerator, type LocalGeneratorOptions } from './LocalGenerator';
import { createRemoteGenerator, type RemoteGeneratorConfig } from './remote';

export type GeneratorConfig = ({ kind: 'local' } & LocalGeneratorOptions) | ({ kind: 'remote' } & RemoteGeneratorConfig);

export function createStudioGenerator(config: GeneratorConfig): Generator {
  switch (config.kind) {
    case 'local':
      return new LocalGenerator(config);
    case 'remote':
      return createRemoteGenerator(config);
  }
}
