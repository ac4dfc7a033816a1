/**
 * The annotation loop end to end: `@emolens/uploader` in Chromium against the real `@emolens/server` (a child process
 * on a temporary data folder). 500 submissions go through a rough life: the network goes off and on, the server is
 * killed (SIGKILL) and restarted on the same port and data, the page reloads mid-queue, and for a while the server
 * answers 500, then 429 with Retry-After (a Playwright route in front of it). Five of them the server refuses for good:
 * the route swaps their image for one wider than the server's 4096-pixel limit (413 IMAGE_TOO_LARGE; the uploader
 * itself never sends one, its `maxSide` is capped there). At the end every other submission is in
 * the database exactly once with the very JPEG bytes the page queued (in `/load` and in the stored file), and the
 * dead letters are exactly the five refused ones.
 *
 * Needs `packages/server/dist/main.js` (`pnpm --filter @emolens/server build`).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UploaderOptions } from '@emolens/uploader';
import { CollectionServer, freePort } from '../setup/collection-server.ts';
import { openTestPage, type TestPage } from './harness.ts';

const TOTAL = 500;
/** The submissions the server refuses: the route sends them with an image 4500 pixels wide (over its 4096-pixel side). */
const REFUSED = new Set([47, 163, 281, 397, 455]);
/** What the route sends in place of a refused submission's image: a whole JPEG, 4500 pixels wide. */
const TOO_WIDE = Buffer.from(jpeg.encode({ width: 4500, height: 24, data: Buffer.alloc(4500 * 24 * 4, 128) }, 80).data).toString('base64');
const SCORES = { boredom: 1, confusion: 0.5, engagement: 2, frustration: 0 };

let t: TestPage;
let server: CollectionServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'emolens-loop-'));
  server = new CollectionServer({ port: await freePort(), dataDir, corsOrigins: [inject('pageOrigin')], env: { RATE_LIMIT_MAX: '0' } });
  await server.start();
  t = await openTestPage({ path: 'uploader.html' });
});

afterAll(async () => {
  await t?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('annotation loop', () => {
  it('stores every accepted submission exactly once, intact, through offline, crashes, reloads, 500s and 429s', { timeout: 600_000 }, async () => {
    const endpoint = `${server.origin}/insert`;
    const options: UploaderOptions = { endpoint, consent: true, name: 'loop', retryBaseMs: 100, retryMaxMs: 1000, maxQueueBytes: 200 * 1024 * 1024 };
    const cors = { 'access-control-allow-origin': inject('pageOrigin'), 'access-control-expose-headers': 'Retry-After', 'content-type': 'application/json' };

    // In front of the real server: record every body (n → sha256 of its JPEG, per Idempotency-Key), and during the
    // chaos windows answer 500 or 429 instead of passing the request on.
    let mode: 'pass' | '500' | '429' = 'pass';
    const sent = new Map<string, { n: number; sha: string }>();
    const answered = { '500': 0, '429': 0 };
    const bodyMismatches: string[] = [];
    await t.context.route(endpoint, async (route: Route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      const key = (await request.allHeaders())['idempotency-key']!;
      const body = JSON.parse(request.postData()!) as { image_base64: string; meta: { n: number } };
      const entry = { n: body.meta.n, sha: sha256(Buffer.from(body.image_base64, 'base64')) };
      const before = sent.get(key);
      if (before && (before.n !== entry.n || before.sha !== entry.sha)) bodyMismatches.push(key);
      sent.set(key, entry);
      if (mode === '500') {
        answered['500']++;
        return route.fulfill({ status: 500, headers: cors, body: JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'chaos', details: {} }, request_id: 'x' }) });
      }
      if (mode === '429') {
        answered['429']++;
        return route.fulfill({ status: 429, headers: { ...cors, 'retry-after': '1' }, body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'chaos', details: {} }, request_id: 'x' }) });
      }
      if (REFUSED.has(entry.n)) return route.continue({ postData: JSON.stringify({ ...body, image_base64: TOO_WIDE }) }).catch(() => undefined);
      return route.continue().catch(() => undefined);
    });

    const start = () => t.page.evaluate((o) => void window.uploaderTest.start(o), options);
    const submit = (from: number, to: number) =>
      t.page.evaluate(
        async ({ from, to, scores }) => {
          for (let n = from; n < to; n++) {
            const image = await window.uploaderTest.makeImage(96, 72, 'image/png', n);
            await window.uploaderTest.up!.submit({ image, predicted: scores, corrected: { ...scores, engagement: (n % 4) as number }, meta: { n } });
          }
        },
        { from, to, scores: SCORES },
      );
    const queuedItems = () => t.page.evaluate(() => window.uploaderTest.up!.state().queued.items);
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    await start();
    await submit(0, 100);

    // Offline: the items queue up, nothing is sent.
    await t.context.setOffline(true);
    await submit(100, 200);
    await pause(1000);
    await t.context.setOffline(false);

    // The server fails for a while: 500s, then 429 with Retry-After.
    mode = '500';
    await submit(200, 250);
    await pause(1500);
    mode = '429';
    await pause(1500);
    mode = 'pass';

    // The server crashes while items are in flight, and comes back on the same port and data.
    await submit(250, 300);
    await server.kill('SIGKILL');
    await submit(300, 350);
    await pause(1000);
    await server.start();

    // The page reloads mid-queue.
    await submit(350, 400);
    expect(await queuedItems()).toBeGreaterThan(0);
    await t.page.reload();
    await t.page.waitForFunction(() => document.body.dataset.ready === 'true');
    await start();
    await submit(400, 450);

    // Offline again, then time the drain once the network returns.
    await t.context.setOffline(true);
    await submit(450, TOTAL);
    const backlog = await queuedItems();
    await t.context.setOffline(false);
    const returned = Date.now();
    await expect.poll(queuedItems, { timeout: 300_000, interval: 100 }).toBe(0);
    const drainMs = Date.now() - returned;
    console.log(`[annotation-loop] drained ${backlog} queued items in ${drainMs} ms after the network returned (${((backlog / drainMs) * 1000).toFixed(0)} items/s); chaos answers: ${answered['500']}×500, ${answered['429']}×429`);

    expect(answered['500']).toBeGreaterThan(0);
    expect(answered['429']).toBeGreaterThan(0);
    expect(bodyMismatches).toEqual([]);

    // The dead letters are exactly the refused images, with the server's error.
    const letters = await t.page.evaluate(() => window.uploaderTest.up!.deadLetters());
    expect(letters.map((l) => sent.get(l.id)?.n).sort((a, b) => a! - b!)).toEqual([...REFUSED]);
    for (const letter of letters) {
      expect(letter).toMatchObject({ reason: 'rejected', status: 413, error: { error: { code: 'IMAGE_TOO_LARGE' } } });
    }

    // Every other submission is stored exactly once, with the bytes the page queued, in /load and on disk.
    const load = (await (await fetch(`${server.origin}/load?limit=1000`)).json()) as {
      data: { meta: { n: number }; image_key: string; image_sha256: string; image_type: string }[];
      statistics: { total: number };
    };
    const expected = Array.from({ length: TOTAL }, (_, n) => n).filter((n) => !REFUSED.has(n));
    expect(load.statistics.total).toBe(expected.length);
    expect(load.data.map((row) => row.meta.n).sort((a, b) => a - b)).toEqual(expected);
    const queuedSha = new Map([...sent.values()].map((e) => [e.n, e.sha]));
    for (const row of load.data) {
      expect(row.image_type).toBe('image/jpeg');
      expect(row.image_sha256, `row n=${row.meta.n}`).toBe(queuedSha.get(row.meta.n));
      expect(sha256(readFileSync(join(dataDir, 'images', row.image_key))), `file of n=${row.meta.n}`).toBe(row.image_sha256);
    }
  });
});
