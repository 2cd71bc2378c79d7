// Building the server: a model folder that cannot load fails the start (not the first prediction), saying which.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './testing/testServer';

describe('buildApp', () => {
  it('refuses to start on a folder that holds no model', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
    await expect(startTestServer({ modelDir: empty })).rejects.toMatchObject({
      code: 'engine_start_failed',
      message: expect.stringContaining(`the model in ${empty} could not be loaded`),
    });
  });
});
