// A browser may end the engine worker silently (memory pressure): no error event, no message. The studio must
// notice, end the running job as failed (worker_crashed), and run the next job on a fresh worker.
import { expect, test } from '@playwright/test';
import { StudioPage } from './pages/StudioPage';

test('a worker that ends silently mid-job fails the job and the next Generate runs on a fresh worker', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.goto();
  await studio.fill({ Prompt: 'a long run', Width: '512', Height: '512', Steps: '500' });
  await studio.generate();
  const progress = page.getByRole('progressbar', { name: 'Generation progress' });
  await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(1);

  // The engine worker is the one named sd-engine-… (onnxruntime's WASM threads run from the same script).
  let closed = false;
  for (const worker of page.workers()) {
    const name = await worker.evaluate(() => self.name).catch(() => '');
    if (name.startsWith('sd-engine-')) {
      await worker.evaluate(() => setTimeout(() => self.close())).catch(() => undefined);
      closed = true;
    }
  }
  expect(closed).toBe(true);

  const failed = await studio.waitForResults(1, 'Failed');
  await expect(failed).toContainText('The engine worker crashed');
  await expect(progress).toHaveCount(0);
  await studio.screenshot('worker-crash-failed');

  await studio.fill({ Prompt: 'after the crash', Width: '64', Height: '64', Steps: '2' });
  await studio.generate();
  await studio.waitForResults(2, 'Succeeded');
});
