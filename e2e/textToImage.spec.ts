// Text-to-image in the real app: on WASM (driven from the keyboard alone), on WebGPU (SwiftShader) matching WASM,
// the same seed twice giving identical pixels, validation errors next to their field, and cancel.
import { expect, test } from '@playwright/test';
import { maxChannelDifference, StudioPage } from './pages/StudioPage';

const SMALL = { Prompt: 'a lighthouse at dusk', Width: '64', Height: '64', Steps: '4' };

test('text-to-image on WASM, driven from the keyboard alone', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.computeOn('WASM (CPU)');
  await expect(page.getByRole('status').filter({ hasText: 'WASM' })).toContainText(/WASM · \d threads?/);
  await studio.fill({ Width: '64', Height: '64', Steps: '4' });
  await studio.field('Prompt').focus();
  await page.keyboard.type('a red fox in the snow');
  await page.keyboard.press('Control+Enter');
  const result = await studio.waitForResults(1);
  await expect(result).toContainText('a red fox in the snow');
  await expect(result).toContainText(/local · WASM/);
  // The seed was random: the run shows it in the Seed field and on the result.
  const seed = await studio.field('Seed').inputValue();
  expect(seed).toMatch(/^\d+$/);
  await expect(result).toContainText(seed);
  const pixels = await studio.outputPixels(result);
  expect([pixels.width, pixels.height]).toEqual([64, 64]);
  await studio.screenshot('text-to-image-wasm');
});

test('the same seed twice gives identical pixels; another seed does not', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.fill(SMALL);
  await studio.lockSeed(1234);
  await studio.generate();
  const first = await studio.outputPixels(await studio.waitForResults(1));
  await studio.generate();
  const second = await studio.outputPixels(await studio.waitForResults(2));
  expect(maxChannelDifference(first, second)).toBe(0);
  await studio.lockSeed(1235);
  await studio.generate();
  const other = await studio.outputPixels(await studio.waitForResults(3));
  expect(maxChannelDifference(first, other)).toBeGreaterThan(0);
  await studio.screenshot('same-seed-twice');
});

test('text-to-image on WebGPU (SwiftShader) gives the WASM image within a small tolerance', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  const tiny = { ...SMALL, Steps: '2' };
  await studio.fill(tiny);
  await studio.lockSeed(77);
  await studio.computeOn('WASM (CPU)');
  await studio.generate();
  const wasm = await studio.outputPixels(await studio.waitForResults(1));

  await studio.computeOn('WebGPU');
  await expect(page.getByRole('status')).toContainText('WebGPU · ');
  await studio.generate();
  const result = await studio.waitForResults(2);
  await expect(result).toContainText(/local · WebGPU/);
  const webgpu = await studio.outputPixels(result);
  // GPU float arithmetic differs from the CPU's in the last bits; the picture is the same.
  expect(maxChannelDifference(wasm, webgpu)).toBeLessThanOrEqual(3);
  await studio.screenshot('text-to-image-webgpu');
});

test('a bad field shows its error next to it and nothing runs', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.fill({ ...SMALL, Width: '500' });
  const error = 'Width: a multiple of 64 from 64 to 1024; you entered 500';
  await expect(page.getByText(error).first()).toBeVisible();
  await expect(studio.field('Width')).toHaveAttribute('aria-invalid', 'true');
  await expect(studio.field('Width')).toHaveAccessibleDescription(new RegExp(error));
  await studio.generate();
  await expect(page.getByRole('alert').filter({ hasText: error })).toBeVisible();
  await studio.screenshot('validation-error');
  await expect(studio.results()).toHaveCount(0);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
});

test('cancel stops a run in the middle, labelled canceled, and the next run succeeds', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.fill({ Prompt: 'a long run', Width: '1024', Height: '1024', Steps: '500' });
  await studio.generate();
  const progress = page.getByRole('progressbar', { name: 'Generation progress' });
  await expect(progress).toHaveAttribute('aria-valuemax', '500');
  await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(2);
  await studio.screenshot('cancel-running');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const canceled = await studio.waitForResults(1, 'Canceled');
  await expect(canceled.getByRole('img')).toHaveCount(0);
  await expect(progress).toHaveCount(0);
  await studio.screenshot('cancel-canceled');

  await studio.fill(SMALL);
  await studio.generate();
  await studio.waitForResults(2, 'Succeeded');
});
