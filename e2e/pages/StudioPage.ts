// Page object for the studio: drives the real app as a user would (by role and accessible name), and reads back
// what a user sees (result images decoded to pixels, the mask overlay) so specs can check it.
import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbaImage } from '../../src/engine/image';
import { encodePng } from '../../src/history/encodePng';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export type ModeName = 'Text to image' | 'Image to image' | 'Inpainting';

export class StudioPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/');
    // The engine has loaded the demo model once the backend badge names a backend.
    await expect(this.page.getByRole('status').filter({ hasText: /WASM|WebGPU/ })).toBeVisible();
  }

  async selectMode(mode: ModeName): Promise<void> {
    await this.page.getByRole('tab', { name: mode }).click();
    await expect(this.page.getByRole('tab', { name: mode })).toHaveAttribute('aria-selected', 'true');
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  /** Fills labelled fields: { Prompt: 'a fox', Width: '64', ... }. */
  async fill(values: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(values)) await this.field(label).fill(value);
  }

  async lockSeed(seed: number): Promise<void> {
    await this.field('Seed').fill(String(seed));
    await expect(this.page.getByLabel('Lock seed')).toBeChecked();
  }

  async computeOn(option: 'Auto' | 'WebGPU' | 'WASM (CPU)'): Promise<void> {
    await this.field('Compute on').selectOption({ label: option });
    const expected = option === 'WebGPU' ? /WebGPU/ : /WASM|WebGPU/;
    await expect(this.page.getByRole('status').filter({ hasText: expected })).toBeVisible();
  }

  async generate(): Promise<void> {
    await this.page.getByRole('button', { name: 'Generate', exact: true }).click();
  }

  results(): Locator {
    return this.page.getByRole('region', { name: 'Results' }).getByRole('article');
  }

  /** Waits until `count` predictions are listed and the newest has finished (its status is shown). */
  async waitForResults(count: number, status: 'Succeeded' | 'Canceled' | 'Failed' = 'Succeeded'): Promise<Locator> {
    await expect(this.results()).toHaveCount(count, { timeout: 90_000 });
    const newest = this.results().first();
    await expect(newest.getByText(status, { exact: true })).toBeVisible();
    if (status === 'Succeeded') await expect(newest.getByRole('img').first()).toHaveJSProperty('complete', true);
    return newest;
  }

  /** The RGBA pixels of a result's output image, decoded from the PNG the app stored. */
  async outputPixels(result: Locator, index = 0): Promise<RgbaImage> {
    const image = result.getByRole('img', { name: new RegExp(`^Output ${index + 1} of`) });
    await expect(image).toHaveJSProperty('complete', true);
    const src = await image.getAttribute('src');
    const decoded = await this.page.evaluate(async (url) => {
      const blob = await (await fetch(url!)).blob();
      const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      return { width: bitmap.width, height: bitmap.height, data: Array.from(context.getImageData(0, 0, bitmap.width, bitmap.height).data) };
    }, src);
    return { width: decoded.width, height: decoded.height, data: Uint8ClampedArray.from(decoded.data) };
  }

  /** Clicks the image input's "Choose image" button and picks a file in the file chooser that opens. */
  async uploadImage(label: 'Input image' | 'Image to inpaint', file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const button = this.page.getByRole('region', { name: label }).getByRole('button', { name: /^(Choose|Replace) image$/ });
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), button.click()]);
    await chooser.setFiles(file);
  }

  async uploadPicture(label: 'Input image' | 'Image to inpaint', picture: RgbaImage, name = 'picture.png'): Promise<void> {
    const png = Buffer.from(await (await encodePng(picture)).arrayBuffer());
    await this.uploadImage(label, { name, mimeType: 'image/png', buffer: png });
  }

  maskCanvas(): Locator {
    return this.page.getByRole('img', { name: 'Mask editor' });
  }

  /** Drags the mouse through points given in image pixels over the mask editor. */
  async drawStroke(points: Array<[number, number]>, imageSize: { width: number; height: number }): Promise<void> {
    const box = (await this.maskCanvas().boundingBox())!;
    const toClient = ([x, y]: [number, number]) => [box.x + ((x + 0.5) / imageSize.width) * box.width, box.y + ((y + 0.5) / imageSize.height) * box.height] as const;
    const [startX, startY] = toClient(points[0]);
    await this.page.mouse.move(startX, startY);
    await this.page.mouse.down();
    for (const point of points.slice(1)) {
      const [x, y] = toClient(point);
      await this.page.mouse.move(x, y, { steps: 8 });
    }
    await this.page.mouse.up();
  }

  /** Alpha of the mask overlay at image pixels (0 where nothing is painted). */
  async overlayAlpha(points: Array<[number, number]>): Promise<number[]> {
    return this.maskCanvas().evaluate((canvas: HTMLCanvasElement, pts) => {
      const context = canvas.getContext('2d')!;
      return pts.map(([x, y]) => context.getImageData(x, y, 1, 1).data[3]);
    }, points);
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }
}

/** Largest per-byte difference of two images' RGB channels. */
export function maxChannelDifference(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}
