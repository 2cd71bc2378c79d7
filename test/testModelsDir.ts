// Where the tests' tiny model variants live (generated, git-ignored): test/models/<variant>/.
import { fileURLToPath } from 'node:url';

export const TEST_MODELS_DIR = fileURLToPath(new URL('./models/', import.meta.url));
