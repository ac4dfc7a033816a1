/**
 * The webcam demo (`examples/webcam`) end to end: its own Vite dev server (with the demo's COOP/COEP
 * headers) and its own Chromium, whose fake camera plays a Y4M video of a happy face from the wild photos.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIA_EMOTIONS } from '@emolens/schema';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { repoRoot, requireData } from '../setup/paths.ts';
import { writeFaceVideo, type Placement } from './y4m.ts';

/** A clear, frontal happy face (350×350 greyscale). */
const PHOTO = join('wild', 'happy', 'Karin_Stoiber_0002.jpg');
const demoRoot = join(repoRoot, 'examples', 'webcam');
const screenshotPath = join(repoRoot, 'test', '.artifacts', 'webcam-demo.png');

let tmp: string;
let placement: Placement;
let server: ViteDevServer | undefined;
let browser: Browser | undefined;
let page: Page;
let origin: string;
const pageErrors: string[] = [];
const consoleLines: string[] = [];

beforeAll(async () => {
  assertChromium();
  tmp = mkdtempSync(join(tmpdir(), 'emolens-webcam-'));
  const y4mPath = join(tmp, 'face.y4m');
  placement = writeFaceVideo(y4mPath, join(requireData(), PHOTO));

  server = await createServer({
    root: demoRoot,
    configFile: join(demoRoot, 'vite.config.ts'),
    // No HMR and no watcher: a rebuild of packages/core/dist mid-test must not reload the page.
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | string | null | undefined;
  if (!address || typeof address === 'string' || !address.port) throw new Error('the demo server did not start');
  origin = `http://127.0.0.1:${address.port}`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${y4mPath}`,
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  page = await context.newPage();
  // Diagnostics for failures: page errors fail the tests; the rest is only printed when one fails.
  page.on('pageerror', (e) => {
    pageErrors.push(e.message);
    consoleLines.push(`[pageerror] ${e.stack ?? e.message}`);
  });
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleLines.push(`[http ${r.status()}] ${r.url()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) consoleLines.push(`[navigated] ${f.url()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Waits for `predicate` in the page; on timeout, fails with the page's status, stats and console. */
async function waitFor(predicate: () => boolean, timeout: number, what: string): Promise<void> {
  try {
    await page.waitForFunction(predicate, undefined, { timeout });
  } catch (error) {
    const text = await page
      .evaluate(() => `status: ${document.querySelector('#status')?.textContent}\nstats: ${document.querySelector('#stats')?.textContent}\ndata: ${JSON.stringify(document.body.dataset)}`)
      .catch((e: unknown) => String(e));
    throw new Error(`${what} (${String(error).split('\n')[0]})\n${text}\npage errors: ${pageErrors.join('\n')}\nconsole:\n${consoleLines.join('\n')}`);
  }
}

describe('webcam demo', () => {
  it('loads, warms up and reports ready, cross-origin isolated', async () => {
    await page.goto(`${origin}/`);
    await waitFor(() => document.body.dataset.state === 'ready', 60_000, 'the demo never became ready');
    const state = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      status: document.querySelector('#status')!.textContent ?? '',
      startDisabled: document.querySelector<HTMLButtonElement>('#start')!.disabled,
    }));
    expect(state.isolated).toBe(true);
    expect(state.status).toMatch(/^Ready: \S+ on (wasm|webgpu)\./);
    expect(state.startDisabled).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('starts the (fake) camera, finds the face and draws its box and label on it', async () => {
    await page.click('#start');
    await waitFor(() => document.body.dataset.state === 'running', 15_000, 'the camera did not start');
    await waitFor(
      () => Number(document.body.dataset.frames ?? 0) >= 5 && document.body.dataset.faces === '1',
      30_000,
      'no face found in 5 frames',
    );

    const seen = await page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('#video')!;
      const overlay = document.querySelector<HTMLCanvasElement>('#overlay')!;
      const { width, height } = overlay;
      const pixels = overlay.getContext('2d')!.getImageData(0, 0, width, height).data;
      let opaque = 0;
      let green = 0;
      let minX = width;
      let minY = height;
      let maxX = -1;
      let maxY = -1;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3]! === 0) continue;
        opaque++;
        // '#3f3', possibly antialiased: green clearly dominant.
        if (pixels[i + 1]! > 150 && pixels[i]! < 150 && pixels[i + 2]! < 150) {
          green++;
          const p = i / 4;
          const x = p % width;
          const y = Math.floor(p / width);
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
      return {
        video: { width: video.videoWidth, height: video.videoHeight },
        overlay: { width, height },
        opaque,
        green,
        greenBounds: { minX, minY, maxX, maxY },
        stats: document.querySelector('#stats')!.textContent ?? '',
        status: document.querySelector('#status')!.textContent ?? '',
        faces: document.body.dataset.faces,
        frames: Number(document.body.dataset.frames),
      };
    });

    mkdirSync(join(repoRoot, 'test', '.artifacts'), { recursive: true });
    await page.screenshot({ path: screenshotPath });

    expect(seen.video).toEqual({ width: 640, height: 480 });
    expect(seen.overlay).toEqual({ width: 640, height: 480 });
    expect(seen.status).toMatch(/^Running: /);
    expect(seen.faces).toBe('1');
    expect(seen.frames).toBeGreaterThanOrEqual(5);
    expect(seen.opaque).toBeGreaterThan(100);
    expect(seen.green).toBeGreaterThan(100);

    // The overlay is in video pixels (both are mirrored by CSS alike): the box must sit on the photo.
    const b = seen.greenBounds;
    const cx = (b.minX + b.maxX) / 2;
    const cy = (b.minY + b.maxY) / 2;
    expect(cx).toBeGreaterThan(placement.x);
    expect(cx).toBeLessThan(placement.x + placement.width);
    expect(cy).toBeGreaterThan(placement.y);
    expect(cy).toBeLessThan(placement.y + placement.height);

    // The stats show the face count and the WIA scores, most probable first.
    const [counts, json] = seen.stats.split('\n');
    expect(counts).toMatch(/faces: 1 .*frames: \d+/);
    const scores = JSON.parse(json ?? '[]') as { label: string; confidence: number }[];
    expect(scores).toHaveLength(7);
    for (const s of scores) expect(WIA_EMOTIONS as readonly string[]).toContain(s.label);
    console.info(`webcam demo: primary ${scores[0]!.label} ${(scores[0]!.confidence * 100).toFixed(0)}%, green box ${JSON.stringify(b)}, photo at ${JSON.stringify(placement)}`);

    expect(pageErrors, consoleLines.join('\n')).toEqual([]);
  }, 90_000);
});
