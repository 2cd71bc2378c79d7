// History and settings survive a reload; a result can be downloaded with its parameters, reused, sent to
// another mode and deleted.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { readPngText } from '../src/history/pngChunks';
import { parseParameters } from '../src/history/pngParameters';
import { StudioPage } from './pages/StudioPage';

test('history and settings survive a reload; download carries the parameters; reuse, send and delete work', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.fill({ Prompt: 'a quiet harbour', 'Negative prompt': 'blurry', Width: '64', Height: '128', Steps: '3', 'Guidance scale': '6' });
  await studio.field('Scheduler').selectOption('K_EULER_ANCESTRAL');
  await studio.lockSeed(4242);
  await studio.generate();
  await studio.waitForResults(1);

  await page.reload();
  await studio.goto();
  const result = await studio.waitForResults(1);
  await expect(result).toContainText('a quiet harbour');
  await expect(result).toContainText('4242');
  await expect(studio.field('Steps')).toHaveValue('3');
  await expect(studio.field('Scheduler')).toHaveValue('K_EULER_ANCESTRAL');
  await expect(studio.field('Seed')).toHaveValue('4242');
  await studio.screenshot('history-after-reload');

  const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('link', { name: 'Download PNG' }).click()]);
  const text = await readPngText(await readFile((await download.path())!));
  const parsed = parseParameters(text.parameters);
  expect(parsed.input).toMatchObject({ prompt: 'a quiet harbour', negative_prompt: 'blurry', num_inference_steps: 3, guidance_scale: 6, seed: 4242, scheduler: 'K_EULER_ANCESTRAL', width: 64, height: 128 });
  expect(text.parameters).toContain('Sampler: Euler a');

  await studio.fill({ Prompt: 'something else', Steps: '9' });
  await result.getByRole('button', { name: 'Reuse parameters' }).click();
  await expect(studio.field('Prompt')).toHaveValue('a quiet harbour');
  await expect(studio.field('Steps')).toHaveValue('3');

  await result.getByRole('button', { name: 'Send to inpainting' }).click();
  await expect(page.getByRole('tab', { name: 'Inpainting' })).toHaveAttribute('aria-selected', 'true');
  await expect(studio.maskCanvas()).toBeVisible();
  await expect(studio.field('Prompt')).toHaveValue('a quiet harbour');

  await result.getByRole('button', { name: 'Delete' }).click();
  await expect(studio.results()).toHaveCount(0);
  await page.reload();
  await studio.goto();
  await expect(page.getByText('Generated images appear here')).toBeVisible();
  await expect(studio.results()).toHaveCount(0);
});
