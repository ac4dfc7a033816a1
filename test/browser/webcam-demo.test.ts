/**
 * The webcam demo (`examples/webcam`) end to end: its own Vite dev server (with the demo's COOP/COEP headers) and
 * its own Chromium, whose fake camera plays a Y4M video of a happy face from the wild photos. Start → the face's
 * box, bars and 30 s chart, the results/s figure; the layout at 390 px; Stop → the camera's tracks ended; the
 * session's exports (WIA video JSON valid against its schema, CSV); a refused or missing camera → its message, with
 * the video-file mode still there; a dropped video file → its summary; "Correct and share" → the correction, through
 * the uploader and the demo's `/collect` proxy, stored by a real collection server (`@emolens/server`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEARNING_STATES, summarizeTimeline, WIA_EMOTIONS, type LearningStateScores, type WiaVideoResult } from '@emolens/schema';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { repoRoot, requireData } from '../setup/paths.ts';
import { openTestPage } from './harness.ts';
import { makeTestVideo, type TestVideo } from './video-fixture.ts';
import { writeFaceVideo, Y4M_WIDTH, type Placement } from './y4m.ts';

/** A clear, frontal happy face (350×350 greyscale). */
const PHOTO = join('wild', 'happy', 'Karin_Stoiber_0002.jpg');
/** A sad photo the default classifier gets right by a wide margin (see analyze-video.test.ts). */
const SAD = 'sad/James_Schultz_0001.jpg';
const demoRoot = join(repoRoot, 'examples', 'webcam');
const artifacts = join(repoRoot, 'test', '.artifacts');
const CSV_HEADER = ['timestamp_ms', 'face_id', ...WIA_EMOTIONS, 'valence', 'arousal', 'primary'].join(',');

const schemas = (() => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const read = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'packages', 'schema', 'schemas', `${name}.schema.json`), 'utf8')) as object;
  // The video result's faces are a $ref relative to its file: Ajv needs the face result under that file name.
  ajv.addSchema(read('wia-face-result'), 'wia-face-result.schema.json');
  return { ajv, video: ajv.compile(read('wia-video-result')) };
})();

let tmp: string;
let placement: Placement;
let server: ViteDevServer | undefined;
/** The collection server the demo's `/collect` proxy forwards to. */
let collector: ChildProcess | undefined;
let collectorUrl: string;
let browser: Browser | undefined;
let page: Page;
let origin: string;
const pageErrors: string[] = [];
const consoleLines: string[] = [];

/** Opens a page of the demo (at `path`) in `context`, collecting its errors and console for the failure messages. */
async function openDemo(context: BrowserContext, path = '/'): Promise<Page> {
  const p = await context.newPage();
  // Diagnostics for failures: page errors fail the tests; the rest is only printed when one fails.
  p.on('pageerror', (e) => {
    pageErrors.push(e.message);
    consoleLines.push(`[pageerror] ${e.stack ?? e.message}`);
  });
  p.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  p.on('response', (r) => {
    if (r.status() >= 400) consoleLines.push(`[http ${r.status()}] ${r.url()}`);
  });
  await p.goto(`${origin}${path}`);
  await waitFor(p, () => document.body.dataset.state === 'ready', 60_000, 'the demo never became ready');
  return p;
}

beforeAll(async () => {
  assertChromium();
  mkdirSync(artifacts, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'emolens-webcam-'));
  const y4mPath = join(tmp, 'face.y4m');
  placement = writeFaceVideo(y4mPath, join(requireData(), PHOTO));

  collectorUrl = await startCollector(join(tmp, 'collected'));
  // Read by the demo's vite.config.ts when the dev server below loads it.
  process.env.EMOLENS_COLLECT_URL = collectorUrl;
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
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  collector?.kill('SIGTERM');
  delete process.env.EMOLENS_COLLECT_URL;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts the built collection server (`pnpm build` made it) on its embedded storage in `dataDir`; resolves its URL. */
async function startCollector(dataDir: string): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  collector = spawn(process.execPath, [join(repoRoot, 'packages', 'server', 'dist', 'main.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  collector.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (const started = Date.now(); Date.now() - started < 30_000; await new Promise((r) => setTimeout(r, 200))) {
    const health = await fetch(`${url}/health`).catch(() => undefined);
    if (health?.ok) return url;
    if (collector.exitCode !== null) break;
  }
  throw new Error(`the collection server did not start:\n${stderr}`);
}

/** Waits for `predicate` in `p`; on timeout, fails with the page's status, figures and console. */
async function waitFor(p: Page, predicate: () => boolean, timeout: number, what: string): Promise<void> {
  try {
    await p.waitForFunction(predicate, undefined, { timeout });
  } catch (error) {
    const text = await p
      .evaluate(
        () =>
          `status: ${document.querySelector('#status')?.textContent}\nfigures: ${document.querySelector('#stats')?.textContent}\n` +
          `camera: ${document.querySelector('#camera-error')?.textContent}\nvideo: ${document.querySelector('#video-status')?.textContent}\ndata: ${JSON.stringify(document.body.dataset)}`,
      )
      .catch((e: unknown) => String(e));
    throw new Error(`${what} (${String(error).split('\n')[0]})\n${text}\npage errors: ${pageErrors.join('\n')}\nconsole:\n${consoleLines.join('\n')}`);
  }
}

/** Clicks `selector` and returns the text of the file it downloads (also kept in test/.artifacts/, for a look). */
async function downloadOf(p: Page, selector: string): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([p.waitForEvent('download', { timeout: 10_000 }), p.click(selector)])) as [Download, void];
  const text = readFileSync(await download.path(), 'utf8');
  writeFileSync(join(artifacts, `webcam-demo-${selector.slice(1)}.${selector.endsWith('csv') ? 'csv' : 'json'}`), text);
  return { name: download.suggestedFilename(), text };
}

function expectValidVideoResult(result: unknown): asserts result is WiaVideoResult {
  expect(schemas.video(result), schemas.ajv.errorsText(schemas.video.errors)).toBe(true);
}

/** Pixels of each canvas matching `selector` that are drawn, and those near one of `colors` (hex). */
function inkOf(p: Page, selector: string, colors: readonly string[]): Promise<{ points: number; opaque: number; coloured: number }[]> {
  return p.evaluate(
    ({ selector, colors }) => {
      const rgb = colors.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
      return [...document.querySelectorAll<HTMLCanvasElement>(selector)].map((canvas) => {
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let opaque = 0;
        let coloured = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3]! < 200) continue;
          opaque++;
          if (rgb.some(([r, g, b]) => Math.abs(pixels[i]! - r!) + Math.abs(pixels[i + 1]! - g!) + Math.abs(pixels[i + 2]! - b!) < 40)) coloured++;
        }
        return { points: Number(canvas.dataset.points ?? 0), opaque, coloured };
      });
    },
    { selector, colors },
  );
}

/** What the demo hands to tests (`window.__demo`, see examples/webcam/src/main.ts). */
type DemoWindow = {
  __demo: {
    live: { openedTracks: MediaStreamTrack[] };
    detector: { analyzeVideo?: unknown };
    history: { add(t: number, faces: unknown[]): void; faces(): { id: number; points: { t: number }[] }[]; size(): number };
  };
  tracks: MediaStreamTrack[];
};

/** The emotion colours of examples/webcam/src/palette.ts (the chart's lines and band). */
const EMOTION_COLORS = ['#ffd23f', '#4d9de0', '#e5484d', '#a97fe0', '#46b37a', '#ff8c42', '#9aa5b1'];

describe('webcam demo', () => {
  it('loads, warms up and reports ready, cross-origin isolated', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await openDemo(context);
    const state = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      status: document.querySelector('#status')!.textContent ?? '',
      startDisabled: document.querySelector<HTMLButtonElement>('#start')!.disabled,
      stopDisabled: document.querySelector<HTMLButtonElement>('#stop')!.disabled,
      cameraLabel: document.querySelector('label:has(#camera)')?.textContent?.trim(),
    }));
    expect(state.isolated).toBe(true);
    expect(state.status).toMatch(/^Ready: \S+ on (wasm|webgpu)\./);
    expect(state.startDisabled).toBe(false);
    expect(state.stopDisabled).toBe(true);
    expect(state.cameraLabel).toMatch(/^Camera/);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('starts the (fake) camera and shows the face: box and label, bars, a 30 s chart, results/s', async () => {
    await page.click('#start');
    await waitFor(page, () => document.body.dataset.state === 'running', 15_000, 'the camera did not start');
    await waitFor(page, () => Number(document.body.dataset.frames ?? 0) >= 8 && document.body.dataset.faces === '1', 30_000, 'no face found in 8 results');
    // The figures and cards are drawn at the next animation frame.
    await waitFor(page, () => Number(document.querySelector('#rate')?.textContent) > 0 && !!document.querySelector('.face[data-face-id="0"] canvas.chart[data-points]'), 5_000, 'no figures or card');

    const seen = await page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('#video')!;
      const overlay = document.querySelector<HTMLCanvasElement>('#overlay')!;
      const { width, height } = overlay;
      const pixels = overlay.getContext('2d')!.getImageData(0, 0, width, height).data;
      let green = 0;
      let minX = width;
      let minY = height;
      let maxX = -1;
      let maxY = -1;
      for (let i = 0; i < pixels.length; i += 4) {
        // Face #0's '#33ff33', possibly antialiased: green clearly dominant.
        if (pixels[i + 3]! > 0 && pixels[i + 1]! > 150 && pixels[i]! < 150 && pixels[i + 2]! < 150) {
          green++;
          const p = i / 4;
          minX = Math.min(minX, p % width);
          maxX = Math.max(maxX, p % width);
          minY = Math.min(minY, Math.floor(p / width));
          maxY = Math.max(maxY, Math.floor(p / width));
        }
      }
      const card = document.querySelector('.face[data-face-id="0"]')!;
      const bars = [...card.querySelectorAll<HTMLElement>('.bars:not(.dims) [role="meter"]')].map((m) => ({
        label: m.getAttribute('aria-label'),
        value: Number(m.getAttribute('aria-valuenow')),
        fill: m.querySelector<HTMLElement>('.bar-fill')!.getBoundingClientRect().width,
        track: m.querySelector<HTMLElement>('.bar-track')!.getBoundingClientRect().width,
      }));
      const dims = [...card.querySelectorAll<HTMLElement>('.dims [role="meter"]')].map((m) => [m.getAttribute('aria-label'), m.getAttribute('aria-valuetext')]);
      const states = [...card.querySelectorAll<HTMLElement>('.learning-states [role="meter"]')].map((m) => [m.getAttribute('aria-label'), m.getAttribute('aria-valuetext')]);
      const options = [...document.querySelectorAll<HTMLOptionElement>('#camera option')].map((o) => o.textContent);
      return {
        video: { width: video.videoWidth, height: video.videoHeight },
        overlay: { width, height },
        mirrored: document.querySelector('#stage')!.classList.contains('mirrored'),
        green,
        greenBounds: { minX, minY, maxX, maxY },
        card: card.querySelector('h3')!.textContent,
        headline: card.querySelector('.headline')!.textContent,
        bars,
        dims,
        states,
        rate: Number(document.querySelector('#rate')!.textContent),
        latency: document.querySelector('#latency')!.textContent,
        options,
        status: document.querySelector('#status')!.textContent ?? '',
        startDisabled: document.querySelector<HTMLButtonElement>('#start')!.disabled,
        stopDisabled: document.querySelector<HTMLButtonElement>('#stop')!.disabled,
      };
    });
    const [chart] = await inkOf(page, '.face[data-face-id="0"] canvas.chart', EMOTION_COLORS);
    await page.screenshot({ path: join(artifacts, 'webcam-demo-1280.png'), fullPage: true });

    expect(seen.video).toEqual({ width: 640, height: 480 });
    expect(seen.overlay).toEqual({ width: 640, height: 480 });
    expect(seen.status).toMatch(/^Running: /);
    expect(seen.startDisabled).toBe(true);
    expect(seen.stopDisabled).toBe(false);
    // The camera picker lists the fake camera by name, now that access was granted.
    expect(seen.options[0]).toBe('Default camera');
    expect(seen.options.length).toBeGreaterThanOrEqual(2);
    expect(seen.options[1]).not.toMatch(/^Camera \d+$/);

    // The overlay is the picture as shown: the user-facing camera is mirrored, so the box is where the mirrored
    // photo is (the photo is centred, so this also holds unmirrored; the x range is what says it).
    expect(seen.mirrored).toBe(true);
    expect(seen.green).toBeGreaterThan(100);
    const b = seen.greenBounds;
    const shownX = Y4M_WIDTH - placement.x - placement.width;
    const cx = (b.minX + b.maxX) / 2;
    const cy = (b.minY + b.maxY) / 2;
    expect(cx).toBeGreaterThan(shownX);
    expect(cx).toBeLessThan(shownX + placement.width);
    expect(cy).toBeGreaterThan(placement.y);
    expect(cy).toBeLessThan(placement.y + placement.height);

    // The card: #0, its label, seven bars summing to 100 % drawn to scale, valence and arousal.
    expect(seen.card).toBe('#0');
    expect(seen.headline).toMatch(/^happiness \d+%$/);
    expect(seen.bars.map((bar) => bar.label)).toEqual([...WIA_EMOTIONS]);
    expect(seen.bars.reduce((sum, bar) => sum + bar.value, 0)).toBeGreaterThanOrEqual(97);
    expect(seen.bars.reduce((sum, bar) => sum + bar.value, 0)).toBeLessThanOrEqual(103);
    const happiness = seen.bars.find((bar) => bar.label === 'happiness')!;
    expect(happiness.value).toBeGreaterThan(50);
    expect(happiness.fill / happiness.track).toBeCloseTo(happiness.value / 100, 1);
    expect(seen.dims.map(([label]) => label)).toEqual(['valence', 'arousal']);
    expect(seen.dims[0]![1]).toMatch(/^\+0\.\d\d$/);
    // The four learning states, each on its 0–3 scale.
    expect(seen.states.map(([label]) => label)).toEqual([...LEARNING_STATES]);
    for (const [, text] of seen.states) expect(text).toMatch(/^[0-3]\.\d\d$/);

    // The chart has drawn its points in the emotions' colours.
    expect(chart!.points).toBeGreaterThanOrEqual(2);
    expect(chart!.coloured).toBeGreaterThan(200);

    // The figures: results per second and latency from the stream's stats.
    expect(seen.rate).toBeGreaterThan(0);
    expect(seen.latency).toMatch(/^\d+ \/ \d+ ms$/);
    console.info(`webcam demo: ${seen.headline}, ${seen.rate} results/s, latency ${seen.latency}, box ${JSON.stringify(b)}, photo shown at x ${shownX}`);
    expect(pageErrors, consoleLines.join('\n')).toEqual([]);
  }, 90_000);

  it('fits a 390 px wide screen: no horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300); // a few results and a redraw at the new size
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      stage: document.querySelector('#stage')!.getBoundingClientRect().width,
      chart: document.querySelector('canvas.chart')!.getBoundingClientRect().width,
      // Anything sticking out on the right, for the failure message.
      wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 5),
    }));
    await page.screenshot({ path: join(artifacts, 'webcam-demo-390.png'), fullPage: true });
    expect(layout.scrollWidth, JSON.stringify(layout.wide)).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.stage).toBeLessThanOrEqual(390);
    expect(layout.chart).toBeGreaterThan(250);
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it('captures a moment, and the correction reaches the collection server through the uploader, exactly once', async () => {
    expect(await page.isDisabled('#capture')).toBe(true); // no consent yet
    await page.check('#share-consent');
    await waitFor(page, () => !document.querySelector<HTMLButtonElement>('#capture')!.disabled, 5_000, 'Capture stayed disabled with consent and a face');
    await page.click('#capture');
    expect(await page.isVisible('#correction-editor')).toBe(true);
    // The prediction presets the form: the fake camera's face is happy.
    expect(await page.inputValue('#user-emotion')).toBe('happiness');
    // Each slider is named by its label (a screen reader reads "Engagement", not an unnamed slider).
    for (const state of ['Boredom', 'Confusion', 'Engagement', 'Frustration']) expect(await page.getByRole('slider', { name: state }).count(), state).toBe(1);
    await page.getByRole('slider', { name: 'Engagement' }).fill('3');
    await page.fill('#state-boredom', '0');
    await page.selectOption('#user-emotion', 'surprise');
    await page.click('#send-correction');
    await waitFor(page, () => document.body.dataset.sent === '1' && document.body.dataset.queued === '0', 20_000, 'the correction was not sent');

    const load = (await (await fetch(`${collectorUrl}/load?limit=10`)).json()) as { data: (Record<string, unknown> & { wia_face: { learning_states?: LearningStateScores } })[] };
    expect(load.data).toHaveLength(1);
    // The prediction is the captured face's learning states (no longer the scale's midpoint, 1.5 for each); the
    // sliders the user left alone keep the prediction, rounded to their half steps.
    const states = load.data[0]!.wia_face.learning_states!;
    expect(states).toBeDefined();
    for (const state of LEARNING_STATES) expect(load.data[0]![`predicted_${state}`], state).toBe(states[state]);
    expect(LEARNING_STATES.map((state) => states[state])).not.toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(load.data[0]).toMatchObject({
      user_boredom: 0,
      user_engagement: 3,
      user_confusion: Math.round(states.confusion * 2) / 2,
      user_frustration: Math.round(states.frustration * 2) / 2,
      predicted_emotion: 'happiness',
      user_emotion: 'surprise',
      image_type: 'image/jpeg',
      meta: { source: 'emolens-webcam-demo' },
    });
    // The uploader's re-encoding: at most 640 px on the longest side.
    const row = load.data[0] as unknown as { image_width: number; image_height: number };
    expect(Math.max(row.image_width, row.image_height)).toBeLessThanOrEqual(640);
    expect(await page.textContent('#queue-summary')).toMatch(/0 waiting .* 1 sent/);
  });

  it('names where pictures go, and asks again when a link names another collection server', async () => {
    expect(await page.textContent('#collect-destination')).toBe('this site (/collect/insert)');
    expect(await page.isChecked('#share-consent')).toBe(true); // given in the test above
    const other = await openDemo(page.context(), '/?collect=http://127.0.0.1:9/insert');
    try {
      expect(await other.textContent('#collect-destination')).toBe('127.0.0.1:9/insert');
      expect(await other.isChecked('#share-consent')).toBe(false);
      expect(await other.isDisabled('#capture')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('stops: the stream ends and the camera is released (its tracks ended)', async () => {
    await page.evaluate(() => {
      const w = window as unknown as DemoWindow;
      w.tracks = w.__demo.live.openedTracks;
    });
    await page.click('#stop');
    await waitFor(page, () => document.body.dataset.state === 'ready', 5_000, 'Stop did not return to ready');
    const framesAtStop = await page.evaluate(() => Number(document.body.dataset.frames));
    await page.waitForTimeout(500);
    const after = await page.evaluate(() => ({
      tracks: (window as unknown as DemoWindow).tracks.map((t) => `${t.kind}:${t.readyState}`),
      srcObject: document.querySelector<HTMLVideoElement>('#video')!.srcObject,
      frames: Number(document.body.dataset.frames),
      status: document.querySelector('#status')!.textContent,
      startDisabled: document.querySelector<HTMLButtonElement>('#start')!.disabled,
      exportDisabled: document.querySelector<HTMLButtonElement>('#export-json')!.disabled,
    }));
    expect(after.tracks.length).toBeGreaterThanOrEqual(1);
    expect(after.tracks).toEqual(after.tracks.map((t) => t.replace(/:.*/, ':ended')));
    expect(after.srcObject).toBeNull();
    expect(after.frames).toBe(framesAtStop);
    expect(after.status).toMatch(/^Stopped/);
    expect(after.startDisabled).toBe(false);
    expect(after.exportDisabled).toBe(false);
  });

  it('exports the session as WIA video JSON (valid against its schema) and as CSV', async () => {
    const json = await downloadOf(page, '#export-json');
    const csv = await downloadOf(page, '#export-csv');
    expect(json.name).toMatch(/^emolens-live-.*\.json$/);
    expect(csv.name).toMatch(/^emolens-live-.*\.csv$/);

    const result: unknown = JSON.parse(json.text);
    expectValidVideoResult(result);
    const frames = await page.evaluate(() => Number(document.body.dataset.frames));
    expect(result.timeline.length).toBe(frames);
    expect(result.frame_count).toBe(frames);
    expect(result.analyzed_frames).toBe(frames);
    expect(result.summary).toEqual(summarizeTimeline(result.timeline));
    expect(result.summary.dominant_emotion).toBe('happiness');
    const times = result.timeline.map((f) => f.timestamp_ms);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(result.duration_ms).toBeGreaterThanOrEqual(times.at(-1)!);
    expect(new Set(result.timeline.flatMap((f) => f.faces.map((face) => face.face_id)))).toContain(0);
    // The stream's smoothed values with the frame's own in `raw`, as the SDK gave them.
    expect(result.timeline.at(-1)!.faces[0]!.raw).toBeDefined();

    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.length).toBe(result.timeline.reduce((n, f) => n + f.faces.length, 0));
    for (const row of rows) {
      expect(row).toHaveLength(12);
      const probs = row.slice(2, 9).map(Number);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      expect(WIA_EMOTIONS as readonly string[]).toContain(row[11]);
    }
    // The first row is the first face of the JSON's first frame with a face.
    const first = result.timeline.find((f) => f.faces.length > 0)!;
    expect(rows[0]!.slice(0, 2).map(Number)).toEqual([first.timestamp_ms, first.faces[0]!.face_id]);
    expect(rows[0]![11]).toBe(first.faces[0]!.emotions.primary.label);
  });
  it("keeps the live chart's memory bounded: points older than 30 s and faces gone for 30 s are dropped", async () => {
    const memory = await page.evaluate(() => {
      const { history } = (window as unknown as DemoWindow).__demo;
      const before = history.faces();
      const last = Math.max(...before.flatMap((f) => f.points.map((p) => p.t)));
      const face = (id: number) => ({ face_id: id, bbox: { x: 0, y: 0, width: 10, height: 10 }, emotions: { primary: { label: 'neutral', confidence: 1 }, all: [{ label: 'neutral', confidence: 1 }] } });
      // 20 s later a new face #9 (face #0 is out of view); 31 s after the session's last result, #0 is forgotten.
      history.add(last + 20_000, [face(9)]);
      const at20 = history.faces().map((f) => ({ id: f.id, points: f.points.length }));
      history.add(last + 31_000, [face(9)]);
      const at31 = history.faces().map((f) => ({ id: f.id, oldest: f.points[0]!.t - last, points: f.points.length }));
      history.add(last + 62_000, []);
      return { before: before.map((f) => f.id), at20, at31, at62: history.faces().length, size: history.size() };
    });
    expect(memory.before).toEqual([0]);
    expect(memory.at20.map((f) => f.id)).toEqual([0, 9]);
    expect(memory.at31).toEqual([{ id: 9, oldest: 20_000, points: 2 }]);
    expect(memory.at62).toBe(0);
    expect(memory.size).toBe(0);
  });
});

describe('webcam demo without a camera', () => {
  let noCamera: Page;
  let video: TestVideo;

  it('says what to do when the camera is refused or absent, and keeps the video-file mode', async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 844 } });
    // Before the page's own script: getUserMedia rejects as a browser does when the user (or a policy) says no.
    await context.addInitScript(() => {
      const w = window as unknown as { gumError: string };
      w.gumError = 'NotAllowedError';
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', w.gumError));
    });
    noCamera = await openDemo(context);
    const read = async () => ({
      ...(await noCamera.evaluate(() => ({
        error: document.body.dataset.cameraError,
        state: document.body.dataset.state,
        startDisabled: document.querySelector<HTMLButtonElement>('#start')!.disabled,
        fileDisabled: document.querySelector<HTMLInputElement>('#file')!.disabled,
      }))),
      notice: await noCamera.locator('#camera-error').innerText(),
      visible: await noCamera.locator('#camera-error').isVisible(),
    });

    await noCamera.click('#start');
    await waitFor(noCamera, () => document.body.dataset.cameraError !== undefined, 5_000, 'no camera message');
    const refused = await read();
    await noCamera.screenshot({ path: join(artifacts, 'webcam-demo-refused-390.png'), fullPage: true });
    expect(refused.error).toBe('NotAllowedError');
    expect(refused.visible).toBe(true);
    expect(refused.notice).toMatch(/Camera access was refused/);
    expect(refused.notice).toMatch(/allow it for this site/);
    expect(refused.notice).toMatch(/video file/);
    expect(refused.state).toBe('ready');
    expect(refused.startDisabled).toBe(false);
    expect(refused.fileDisabled).toBe(false);

    await noCamera.evaluate(() => {
      (window as unknown as { gumError: string }).gumError = 'NotFoundError';
    });
    await noCamera.click('#start');
    await waitFor(noCamera, () => document.body.dataset.cameraError === 'NotFoundError', 5_000, 'no "no camera" message');
    const absent = await read();
    expect(absent.notice).toMatch(/No camera was found/);
    expect(absent.notice).toMatch(/video file/);
    expect(absent.startDisabled).toBe(false);
    expect(pageErrors, consoleLines.join('\n')).toEqual([]);
  }, 90_000);

  it('analyses a video file chosen or dropped: progress, then the summary, the charts and a valid export', async () => {
    // The video is made (WebCodecs + mediabunny) on the shared test page, which has the fixture module.
    const maker = await openTestPage();
    try {
      video = await makeTestVideo(maker.page, {
        codec: 'vp8',
        name: 'demo-hsh',
        segments: [
          { label: 'happy', seconds: 1 },
          { label: 'sad', seconds: 1, photo: SAD },
          { label: 'happy', seconds: 1 },
        ],
      });
    } finally {
      await maker.close();
    }
    const available = await noCamera.evaluate(() => typeof (window as unknown as DemoWindow).__demo.detector.analyzeVideo === 'function');
    expect(available, 'detector.analyzeVideo is not in @emolens/core yet (rebuild packages/core)').toBe(true);

    // Chosen with the file input (every 3rd frame, the demo's default).
    await noCamera.setInputFiles('#file', { name: 'happy-sad-happy.webm', mimeType: video.mimeType, buffer: Buffer.from(video.bytes) });
    await waitFor(noCamera, () => document.body.dataset.video === 'done' || document.body.dataset.video === 'error', 60_000, 'the video was not analysed');
    const report = await noCamera.evaluate(() => {
      const field = (name: string) => document.querySelector(`#video-summary [data-field="${name}"]`)?.textContent;
      return {
        state: document.body.dataset.video,
        status: document.querySelector('#video-status')!.textContent,
        progress: document.querySelector<HTMLProgressElement>('#video-bar')!.value,
        title: document.querySelector('#video-title')!.textContent,
        dominant: field('dominant'),
        transitions: field('transitions'),
        valence: field('valence'),
        frames: field('frames'),
        duration: field('duration'),
        cards: [...document.querySelectorAll('#video-faces .face')].map((c) => c.querySelector('h3')!.textContent),
      };
    });
    expect(report.state, report.status ?? '').toBe('done');
    expect(report.progress).toBe(1);
    expect(report.title).toBe('happy-sad-happy.webm');
    expect(report.dominant).toBe('happiness');
    expect(report.valence).toMatch(/^\+0\.\d\d$/);
    expect(report.frames).toBe(`30 of ${video.frameCount}`);
    expect(report.duration).toBe('3.0 s');
    await noCamera.screenshot({ path: join(artifacts, 'webcam-demo-video-390.png'), fullPage: true });
    const overflow = await noCamera.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // The export is the SDK's result as it is: valid, and what the page shows (a card and a chart per face id).
    const exported: unknown = JSON.parse((await downloadOf(noCamera, '#video-export-json')).text);
    expectValidVideoResult(exported);
    expect(exported.analyzed_frames).toBe(30);
    expect(exported.summary.dominant_emotion).toBe('happiness');
    expect(report.transitions).toBe(String(exported.summary.emotion_transitions));
    const ids = [...new Set(exported.timeline.flatMap((f) => f.faces.map((face) => face.face_id)))].sort((a, b) => a - b);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    expect(report.cards).toEqual(ids.map((id) => `#${id}`));
    const charts = await inkOf(noCamera, '#video-faces canvas.chart', EMOTION_COLORS);
    expect(charts.reduce((n, c) => n + c.points, 0)).toBe(exported.timeline.reduce((n, f) => n + f.faces.length, 0));
    expect(charts[0]!.coloured).toBeGreaterThan(200);
    const csv = (await downloadOf(noCamera, '#video-export-csv')).text.trimEnd().split('\r\n');
    expect(csv[0]).toBe(CSV_HEADER);
    expect(csv.length - 1).toBe(exported.timeline.reduce((n, f) => n + f.faces.length, 0));

    // Dropped on the page, at every 10th frame: analysed again.
    await noCamera.selectOption('#sample-rate', '10');
    await noCamera.evaluate(
      ({ base64, type }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'dropped.webm', { type }));
        const target = document.querySelector('#drop')!;
        for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { base64: Buffer.from(video.bytes).toString('base64'), type: video.mimeType },
    );
    await waitFor(noCamera, () => document.querySelector('#video-title')?.textContent === 'dropped.webm' && document.body.dataset.video === 'done', 60_000, 'the dropped video was not analysed');
    const dropped = await noCamera.evaluate(() => document.querySelector('#video-summary [data-field="frames"]')?.textContent);
    expect(dropped).toBe(`9 of ${video.frameCount}`);

    await noCamera.setViewportSize({ width: 1280, height: 900 });
    await noCamera.waitForTimeout(200);
    await noCamera.screenshot({ path: join(artifacts, 'webcam-demo-video-1280.png'), fullPage: true });
    expect(pageErrors, consoleLines.join('\n')).toEqual([]);
  }, 120_000);
});
