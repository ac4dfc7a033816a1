/**
 * `tsx test/bench/uploader-drain.ts [--items 500] [--side 800]`: how long `@emolens/uploader` takes to drain a backlog
 * once the network returns. The page (test/browser/page/uploader.html) goes offline, queues N submissions of
 * `side` × 3/4·`side` images (re-encoded to the default 640-pixel JPEG), comes back online, and the time until the
 * queue is empty is measured, against:
 * - the real `@emolens/server` (a child process on a temporary data folder, PGlite, files), and
 * - an instant server (a Playwright route answering 201 at once): the uploader's own cost per item (IndexedDB reads
 *   and writes, fetch, events) plus the route's.
 * Needs `packages/server/dist/main.js` (`pnpm --filter @emolens/server build`) and the built uploader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { CollectionServer, freePort } from '../setup/collection-server.ts';
import { testPageConfig } from '../setup/test-page-config.ts';

const { values } = parseArgs({ options: { items: { type: 'string', default: '500' }, side: { type: 'string', default: '800' } } });
const ITEMS = Number(values.items);
const SIDE = Number(values.side);

interface Figures {
  target: string;
  items: number;
  queueBytes: number;
  submitMs: number;
  drainMs: number;
  stored: number;
}

async function run(browser: Browser, pageOrigin: string, target: 'real server' | 'instant server', endpoint: string): Promise<Figures> {
  const context = await browser.newContext();
  try {
    if (target === 'instant server') {
      let n = 0;
      await context.route(endpoint, (route) => route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ status: 'success', id: String(++n), created_at: new Date().toISOString() }) }));
    }
    const page = await context.newPage();
    // tsx compiles this script with esbuild's keepNames: the functions sent to the page call its __name helper.
    await page.addInitScript('globalThis.__name = (f) => f;');
    await page.goto(`${pageOrigin}/uploader.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
    await context.setOffline(true);
    const submitted = await page.evaluate(
      async ({ endpoint, items, side }) => {
        const up = window.uploaderTest.start({ endpoint, consent: true, maxQueueBytes: 1024 * 1024 * 1024 });
        const scores = { boredom: 1, confusion: 1, engagement: 2, frustration: 0 };
        const t0 = performance.now();
        for (let n = 0; n < items; n++) {
          const image = await window.uploaderTest.makeImage(side, Math.round((side * 3) / 4), 'image/png', n);
          await up.submit({ image, predicted: scores, corrected: scores, meta: { n } });
        }
        const submitMs = performance.now() - t0;
        // Resolves when the queue is empty: armed now, before the network returns.
        (window as unknown as { drained: Promise<void> }).drained = new Promise<void>((resolve) => {
          up.on('change', (s) => {
            if (s.queued.items === 0) resolve();
          });
        });
        await new Promise((r) => setTimeout(r, 200)); // Let the state settle.
        return { submitMs, queueBytes: up.state().queued.bytes, queued: up.state().queued.items };
      },
      { endpoint, items: ITEMS, side: SIDE },
    );
    if (submitted.queued !== ITEMS) throw new Error(`expected ${ITEMS} queued, found ${submitted.queued}`);
    const t0 = Date.now();
    await context.setOffline(false);
    await page.evaluate(() => (window as unknown as { drained: Promise<void> }).drained);
    const drainMs = Date.now() - t0;
    const dead = await page.evaluate(() => window.uploaderTest.up!.state().dead.items);
    if (dead !== 0) throw new Error(`${dead} dead letters`);
    return { target, items: ITEMS, queueBytes: submitted.queueBytes, submitMs: submitted.submitMs, drainMs, stored: ITEMS };
  } finally {
    await context.close();
  }
}

const vite = await createServer(testPageConfig(false));
await vite.listen();
const pageOrigin = `http://127.0.0.1:${(vite.httpServer?.address() as AddressInfo).port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'emolens-drain-'));
const server = new CollectionServer({ port: await freePort(), dataDir, corsOrigins: [pageOrigin], env: { RATE_LIMIT_MAX: '0' } });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  await server.start();
  const results: Figures[] = [];
  results.push(await run(browser, pageOrigin, 'instant server', `${pageOrigin}/api/insert`));
  results.push(await run(browser, pageOrigin, 'real server', `${server.origin}/insert`));
  const load = (await (await fetch(`${server.origin}/load?limit=1`)).json()) as { statistics: { total: number } };
  if (load.statistics.total !== ITEMS) throw new Error(`the server holds ${load.statistics.total} annotations, expected ${ITEMS}`);
  console.log(`uploader drain: ${ITEMS} submissions of ${SIDE}×${Math.round((SIDE * 3) / 4)} images (sent as 640-pixel JPEGs), queued offline, then online`);
  console.log('| server | queue | submit (encode + store) per item | drain after the network returns | items/s |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.target} | ${(r.queueBytes / 1024 / 1024).toFixed(1)} MB | ${(r.submitMs / r.items).toFixed(1)} ms | ${(r.drainMs / 1000).toFixed(2)} s | ${((r.items / r.drainMs) * 1000).toFixed(0)} |`,
    );
  }
} finally {
  await browser.close();
  await server.stop();
  await vite.close();
  rmSync(dataDir, { recursive: true, force: true });
}
