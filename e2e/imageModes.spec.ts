// Image-to-image from an uploaded PNG, inpainting after drawing a stroke with the mouse (pixels outside the mask
// unchanged, inside changed), the mask editor's undo/redo/invert, and a non-image file rejected with a message.
import { expect, test } from '@playwright/test';
import { encodePng } from '../src/history/encodePng';
import { testPicture } from '../test/pictures';
import { StudioPage } from './pages/StudioPage';

test('image-to-image from an uploaded PNG', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.selectMode('Image to image');
  const picture = testPicture(96, 64);
  await studio.uploadPicture('Input image', picture, 'landscape.png');
  await expect(page.getByText('landscape.png · 96×64')).toBeVisible();
  await expect(page.getByText("Generated at 96×64, the image's own size.")).toBeVisible();
  await studio.fill({ Prompt: 'a stormy sea', Steps: '10', 'Prompt strength': '0.3' });
  await studio.lockSeed(5);
  await studio.generate();
  const result = await studio.waitForResults(1);
  await expect(result).toContainText('Image to image');
  const output = await studio.outputPixels(result);
  expect([output.width, output.height]).toEqual([96, 64]);
  // A low strength keeps the picture recognisable: close to the input, but not a copy.
  const difference = meanDifference(output.data, picture.data);
  expect(difference).toBeGreaterThan(0);
  expect(difference).toBeLessThan(60);
  await studio.screenshot('image-to-image');
});

test('inpainting after a mouse stroke keeps pixels outside the mask and repaints inside', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.selectMode('Inpainting');
  const picture = testPicture(64, 64);
  await studio.uploadPicture('Image to inpaint', picture);
  await expect(studio.maskCanvas()).toBeVisible();
  await expect(studio.field('Width')).toHaveValue('64');
  await studio.field('Brush size').fill('16');
  await studio.field('Mask blur').fill('2');
  await studio.drawStroke([[8, 32], [56, 32]], picture);
  await studio.fill({ Prompt: 'a golden river', Steps: '6' });
  await studio.lockSeed(3);
  await studio.screenshot('inpainting-mask');
  await studio.generate();
  const result = await studio.waitForResults(1);
  const output = await studio.outputPixels(result);

  // Brush size 16 is a radius of 8 around the line y = 32 (x 8..56): farther than that is outside the mask.
  let changedInside = 0;
  let insideCount = 0;
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const outside = Math.abs(y - 32) > 9 || x < 8 - 9 || x > 56 + 9;
      const inside = Math.abs(y - 32) <= 2 && x >= 16 && x <= 48;
      for (let c = 0; c < 3; c++) {
        const i = (y * 64 + x) * 4 + c;
        if (outside) expect(output.data[i], `pixel (${x}, ${y}) channel ${c}`).toBe(picture.data[i]);
        if (inside) {
          changedInside += Math.abs(output.data[i] - picture.data[i]);
          insideCount++;
        }
      }
    }
  }
  expect(changedInside / insideCount).toBeGreaterThan(10);
  await studio.screenshot('inpainting-result');
});

test('mask editor: undo, redo and invert a stroke', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.selectMode('Inpainting');
  const picture = testPicture(64, 64);
  await studio.uploadPicture('Image to inpaint', picture);
  await studio.field('Brush size').fill('12');
  const onStroke: [number, number] = [32, 20];
  const farAway: [number, number] = [32, 56];
  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  const redo = page.getByRole('button', { name: 'Redo', exact: true });
  await expect(undo).toBeDisabled();

  await studio.drawStroke([[10, 20], [54, 20]], picture);
  expect(await studio.overlayAlpha([onStroke, farAway])).toEqual([expect.any(Number), 0]);
  expect((await studio.overlayAlpha([onStroke]))[0]).toBeGreaterThan(0);
  await studio.screenshot('mask-stroke');

  await undo.click();
  expect(await studio.overlayAlpha([onStroke, farAway])).toEqual([0, 0]);
  await expect(redo).toBeEnabled();
  await redo.click();
  expect((await studio.overlayAlpha([onStroke]))[0]).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Invert mask', exact: true }).click();
  const [strokeAfterInvert, farAfterInvert] = await studio.overlayAlpha([onStroke, farAway]);
  expect(strokeAfterInvert).toBe(0);
  expect(farAfterInvert).toBeGreaterThan(0);
  await studio.screenshot('mask-inverted');

  // The keyboard shortcut undoes the inversion.
  await studio.maskCanvas().focus();
  await page.keyboard.press('Control+z');
  expect((await studio.overlayAlpha([onStroke]))[0]).toBeGreaterThan(0);
  expect((await studio.overlayAlpha([farAway]))[0]).toBe(0);
});

test('a file that is not an image is rejected with a message', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.selectMode('Image to image');
  await studio.uploadImage('Input image', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
  await expect(page.getByRole('alert').filter({ hasText: '“notes.txt” (text/plain) is not an image this browser can read' })).toBeVisible();
  await studio.screenshot('not-an-image');
  await studio.fill({ Prompt: 'anything' });
  await studio.generate();
  await expect(page.getByText('Input image: pick, drop or paste an image first').first()).toBeVisible();
  await expect(studio.results()).toHaveCount(0);
});

function meanDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    sum += Math.abs(a[i] - b[i]);
    count++;
  }
  return sum / count;
}

test('an image can be dropped onto the drop zone or pasted from the clipboard', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.selectMode('Image to image');
  const png = Buffer.from(await (await encodePng(testPicture(40, 24))).arrayBuffer());
  const transfer = (name: string) =>
    page.evaluateHandle(
      ({ bytes, name }) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
        return data;
      },
      { bytes: Array.from(png), name },
    );

  await page.getByTestId('image-drop-zone').dispatchEvent('drop', { dataTransfer: await transfer('dropped.png') });
  await expect(page.getByText('dropped.png · 40×24')).toBeVisible();
  await studio.screenshot('image-dropped');

  await studio.selectMode('Inpainting');
  const clipboard = await transfer('image.png');
  await page.evaluate((data) => window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data })), clipboard);
  await expect(page.getByRole('region', { name: 'Image to inpaint' })).toContainText('image.png · 40×24');
  await expect(studio.maskCanvas()).toBeVisible();
});
