// What people coming from AUTOMATIC1111 look for, driven as they would: the full-size viewer, PNG Info (download →
// drop → the same parameters in the form), the token counter and A1111 prompt syntax, size presets, sampler names
// with Karras, and a 2×2 X/Y plot with its labelled grid.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { readPngText } from '../src/history/pngChunks';
import { StudioPage } from './pages/StudioPage';

async function open(page: Page) {
  const studio = new StudioPage(page);
  await studio.goto();
  return studio;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the viewer shows a result full size; arrows move through the gallery; Esc closes it', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'a viewer test', Width: '64', Height: '128', Steps: '2', 'Number of outputs': '2' });
  await studio.generate();
  const result = await studio.waitForResults(1);
  await result.getByRole('img', { name: /^Output 1 of 2/ }).click();
  const viewer = page.getByRole('dialog', { name: 'a viewer test' });
  await expect(viewer).toBeVisible();
  await expect(viewer).toContainText('64×128');
  await expect(viewer).toContainText('1 of 2');
  await page.keyboard.press('ArrowRight');
  await expect(viewer).toContainText('2 of 2');
  await expect(viewer.getByRole('img')).toHaveJSProperty('naturalWidth', 64);
  await studio.screenshot('a1111-viewer');
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
});

test('PNG Info: a downloaded PNG, dropped back in, fills the form with the same parameters', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'a round trip', 'Negative prompt': 'fog', Width: '128', Height: '64', Steps: '3', 'Guidance scale': '6.5' });
  await studio.field('Scheduler').selectOption('K_EULER');
  await studio.lockSeed(777);
  await studio.generate();
  const result = await studio.waitForResults(1);
  const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('link', { name: 'Download PNG' }).click()]);
  const png = await readFile((await download.path())!);

  // Change the form, then read the PNG back and send its parameters to Text to image.
  await studio.fill({ Prompt: 'something else', Width: '512', Height: '512', Steps: '30', 'Guidance scale': '9' });
  await page.getByRole('tab', { name: 'PNG Info' }).click();
  await page.getByLabel('PNG file').setInputFiles({ name: 'result.png', mimeType: 'image/png', buffer: png });
  const info = page.getByRole('region', { name: 'PNG Info' });
  await expect(info).toContainText('a round trip');
  await expect(info).toContainText('777');
  await studio.screenshot('a1111-png-info');
  await info.getByRole('button', { name: 'Send to Text to image' }).click();
  await expect(page.getByRole('tab', { name: 'Text to image' })).toHaveAttribute('aria-selected', 'true');
  await expect(studio.field('Prompt')).toHaveValue('a round trip');
  await expect(studio.field('Negative prompt')).toHaveValue('fog');
  await expect(studio.field('Width')).toHaveValue('128');
  await expect(studio.field('Height')).toHaveValue('64');
  await expect(studio.field('Steps')).toHaveValue('3');
  await expect(studio.field('Guidance scale')).toHaveValue('6.5');
  await expect(studio.field('Scheduler')).toHaveValue('K_EULER');
  await expect(studio.field('Seed')).toHaveValue('777');
});

test('the token counter counts against 75, names what is cut, and counts chunks with A1111 syntax', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'a lighthouse at dusk' });
  await expect(page.getByText('4/75', { exact: true })).toBeVisible();
  const long = `${Array.from({ length: 74 }, () => 'cat').join(' ')} red blue green`;
  await studio.fill({ Prompt: long });
  await expect(page.getByText('77/75', { exact: true })).toBeVisible();
  await expect(studio.field('Prompt')).toHaveAccessibleDescription(/Past 75 tokens, this part is cut and not used: “blue green”/);
  await page.getByLabel(/A1111 prompt syntax/).check();
  await expect(page.getByText('77/150', { exact: true })).toBeVisible();
  await studio.screenshot('a1111-token-counter');
});

test('size presets keep the model\'s grid and limits, and Swap width and height swaps them', async ({ page }) => {
  const studio = await open(page);
  await page.getByRole('button', { name: '16:9' }).click();
  await expect(studio.field('Width')).toHaveValue('1024');
  await expect(studio.field('Height')).toHaveValue('576');
  await expect(page.getByRole('button', { name: '16:9' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Swap width and height' }).click();
  await expect(studio.field('Width')).toHaveValue('576');
  await expect(studio.field('Height')).toHaveValue('1024');
  await expect(page.getByRole('button', { name: '9:16' })).toHaveAttribute('aria-pressed', 'true');
});

test('samplers by their A1111 names, with Karras where it exists, written to the PNG', async ({ page }) => {
  const studio = await open(page);
  const scheduler = studio.field('Scheduler');
  await scheduler.selectOption({ label: 'Euler a' });
  await expect(page.getByLabel('Karras schedule')).toBeDisabled();
  await scheduler.selectOption({ label: 'DPM++ 2M' });
  await expect(scheduler).toHaveValue('DPMSolverMultistep');
  await page.getByLabel('Karras schedule').check();
  await studio.fill({ Prompt: 'karras', Width: '64', Height: '64', Steps: '3' });
  await studio.generate();
  const result = await studio.waitForResults(1);
  const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('link', { name: 'Download PNG' }).click()]);
  const text = await readPngText(await readFile((await download.path())!));
  expect(text.parameters).toContain('Sampler: DPM++ 2M');
  expect(text.parameters).toContain('Schedule type: Karras');
});

test('an X/Y plot of 2×2 runs as one queued batch and gives a labelled grid to download', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'a grid', Width: '64', Height: '64' });
  const plot = page.getByRole('region', { name: 'X/Y plot' });
  await plot.getByRole('combobox', { name: 'X axis' }).selectOption({ label: 'Steps' });
  await plot.getByLabel('X values').fill('2, 3');
  await plot.getByRole('combobox', { name: 'Y axis' }).selectOption({ label: 'Seed' });
  await plot.getByLabel('Y values').fill('11, 12');
  await plot.getByRole('button', { name: 'Run X/Y plot' }).click();
  const grid = plot.getByRole('img', { name: /^X\/Y plot: Steps 2, 3 by Seed 11, 12/ });
  await expect(grid).toBeVisible({ timeout: 90_000 });
  await expect(studio.results()).toHaveCount(4);
  await expect(studio.results().first()).toContainText('12'); // the last cell: seed 12
  await studio.screenshot('a1111-xy-plot');
  const [download] = await Promise.all([page.waitForEvent('download'), plot.getByRole('link', { name: 'Download grid' }).click()]);
  const size = pngSize(await readFile((await download.path())!));
  // Two 64-px columns after an 84-px label band, two rows under a 56-px header, 4-px gaps.
  expect(size).toEqual({ width: 84 + 2 * 68, height: 56 + 2 * 68 });
});

test('the TAESD decoder (the demo stand-in, stored on first use) decodes results the full decoder would', async ({ page }) => {
  const studio = await open(page);
  await expect(page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Demo TAESD (random weights)' }) })).toContainText('Stored');
  await studio.fill({ Prompt: 'decoders', Width: '64', Height: '64', Steps: '3' });
  await studio.lockSeed(21);
  await studio.generate();
  const full = await studio.outputPixels(await studio.waitForResults(1));
  await studio.field('Decoder').selectOption('taesd');
  await studio.generate();
  const fastResult = await studio.waitForResults(2);
  const fast = await studio.outputPixels(fastResult);
  // The PNG says which decoder made it (A1111's VAE key), so the picture can be reproduced.
  const [download] = await Promise.all([page.waitForEvent('download'), fastResult.getByRole('link', { name: 'Download PNG' }).click()]);
  expect((await readFile((await download.path())!)).toString('latin1')).toContain('VAE: TAESD');
  // The stand-in is the full decoder behind TAESD's contract: equal pictures mean the engine fed it raw latents
  // and read [0, 1] pixels, in the browser worker, from the weight store.
  let worst = 0;
  for (let i = 0; i < full.data.length; i++) worst = Math.max(worst, Math.abs(full.data[i] - fast.data[i]));
  expect(worst).toBeLessThanOrEqual(2);
});
