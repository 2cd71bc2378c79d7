// The defects found trying the studio as a new user (issue 9), each driven as that user met it: one validation for
// form and engine, batch PNG text, errors in the form's words, image and mask errors where they belong, one prompt
// across modes, contrast (axe-core), the phone layout, and the small ones.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { readPngText } from '../src/history/pngChunks';
import { parseParameters } from '../src/history/pngParameters';
import { StudioPage } from './pages/StudioPage';

async function open(page: Page) {
  const studio = new StudioPage(page);
  await studio.goto();
  return studio;
}

test('image to image with Steps 1 and Prompt strength 0.5 is refused in the form, in its words, and nothing runs', async ({ page }) => {
  const studio = await open(page);
  await studio.selectMode('Image to image');
  await studio.uploadPicture('Input image', { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(180) });
  await studio.fill({ Prompt: 'a fox', Steps: '1', 'Prompt strength': '0.5' });
  const message = 'Prompt strength: at least 1 with 1 Steps, so one denoising step runs; you entered 0.5';
  await expect(page.getByText(message)).toBeVisible();
  await expect(studio.field('Prompt strength')).toHaveAttribute('aria-invalid', 'true');
  await studio.generate();
  await studio.screenshot('defect-steps-strength');
  await expect(studio.results()).toHaveCount(0);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
});

test('errors name the field by its label and the limit in words, echoing what was typed', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Steps: '0', 'Guidance scale': '25', 'Number of outputs': '9' });
  await expect(page.getByText('Steps: a whole number from 1 to 500; you entered 0')).toBeVisible();
  await expect(page.getByText('Guidance scale: a number from 1 to 20; you entered 25')).toBeVisible();
  await expect(page.getByText('Number of outputs: a whole number from 1 to 4; you entered 9')).toBeVisible();
  await expect(page.getByText(/num_inference_steps|guidance_scale|num_outputs/)).toHaveCount(0);
  await studio.field('Seed').fill('9007199254740993');
  await expect(page.getByText('Seed: a whole number from 0 to 9007199254740991; you entered 9007199254740993')).toBeVisible();
  await expect(page.getByText('above 0, up to 1')).toHaveCount(0); // only image to image has Prompt strength
});

test('every image of a batch carries its own Batch pos in the PNG text', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'a batch', Width: '64', Height: '64', Steps: '2', 'Number of outputs': '2' });
  await studio.generate();
  const result = await studio.waitForResults(1);
  const positions: string[] = [];
  for (const link of await result.getByRole('link', { name: 'Download PNG' }).all()) {
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = await readPngText(await readFile((await download.path())!));
    expect(text.parameters).toContain('Batch size: 2');
    positions.push(/Batch pos: (\d+)/.exec(text.parameters)?.[1] ?? 'missing');
    expect(parseParameters(text.parameters).batchPosition).toBe(Number(positions.at(-1)));
  }
  expect(positions).toEqual(['0', '1']);
});

test('a missing image or mask is announced once, where it is missing', async ({ page }) => {
  const studio = await open(page);
  await studio.selectMode('Image to image');
  await studio.fill({ Prompt: 'needs an image' });
  await studio.generate();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'Input image' }).getByRole('alert')).toHaveText('Input image: pick, drop or paste an image first');

  await studio.selectMode('Inpainting');
  await studio.generate();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'Image to inpaint' }).getByRole('alert')).toContainText('pick, drop or paste an image first');
  await studio.screenshot('defect-inpaint-no-image');

  await studio.uploadPicture('Image to inpaint', { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(90) });
  await studio.generate();
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'Inpainting workspace' }).getByRole('alert')).toHaveText('Mask: paint the area to repaint on the image first');
});

test('one prompt across modes, a placeholder that reads as a hint, and a word when a run has no prompt', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'a lighthouse at dusk', 'Negative prompt': 'blurry' });
  await studio.selectMode('Inpainting');
  await expect(studio.field('Prompt')).toHaveValue('a lighthouse at dusk');
  await expect(studio.field('Negative prompt')).toHaveValue('blurry');
  await studio.selectMode('Text to image');
  await studio.fill({ Prompt: '', Width: '64', Height: '64', Steps: '2' });
  await expect(studio.field('Prompt')).toHaveAttribute('placeholder', /^Describe the picture, for example:/);
  await studio.generate();
  await expect(page.getByRole('status').filter({ hasText: 'Running without a prompt' })).toBeVisible();
  await studio.waitForResults(1);
});

test('queued jobs say which prompt they are, and an unlocked seed reads as the last run\'s', async ({ page }) => {
  const studio = await open(page);
  await studio.fill({ Prompt: 'first, a long one', Width: '512', Height: '512', Steps: '60' });
  await studio.generate();
  await studio.fill({ Prompt: 'second in line', Width: '64', Height: '64', Steps: '2' });
  await studio.generate();
  await expect(page.getByRole('list', { name: 'Queued jobs' })).toContainText('Queued #1: Text to image · “second in line”');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await studio.waitForResults(2);
  await expect(studio.field('Seed')).toHaveClass(/seed-unlocked/);
  await expect(studio.field('Seed')).toHaveAccessibleDescription(/The last run's seed. Random: the next run picks a new one/);
});

test('axe finds no serious or critical violation on any tab (desktop)', async ({ page }) => {
  const studio = await open(page);
  for (const mode of ['Text to image', 'Image to image', 'Inpainting'] as const) {
    await studio.selectMode(mode);
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(serious, mode).toEqual([]);
  }
  await page.getByRole('tab', { name: 'PNG Info' }).click();
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), 'PNG Info').toEqual([]);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('inpainting puts the image and mask before Generate, the header stays one line, no Ctrl+Enter hint; axe is clean', async ({ page }) => {
    const studio = await open(page);
    await studio.selectMode('Inpainting');
    const picker = await page.getByRole('region', { name: 'Image to inpaint' }).boundingBox();
    const generate = await page.getByRole('button', { name: 'Generate', exact: true }).boundingBox();
    expect(picker!.y).toBeLessThan(generate!.y);
    const header = await page.getByRole('banner').boundingBox();
    expect(header!.height).toBeLessThan(60);
    await expect(page.getByText('Ctrl+Enter')).toBeHidden();
    await studio.screenshot('defect-phone-inpainting');
    for (const mode of ['Text to image', 'Image to image', 'Inpainting'] as const) {
      await studio.selectMode(mode);
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), mode).toEqual([]);
    }
  });
});
