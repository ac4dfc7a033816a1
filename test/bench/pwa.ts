/**
 * `pnpm bench:pwa`: the offline PWA's figures (`examples/pwa`, built with `vite build`, served by the counting
 * static server). A first visit in a fresh profile: bytes on the wire per file and navigation → ready (the
 * service worker's precache included). Reload → first result with the network off, `--visits N` times. Then,
 * online, `POST /v1/analyze/face` through the service worker against a direct `detector.analyzeFace()` call on the
 * same body, interleaved. Chromium's installability checks. Last, the alternative the REST routes did not take:
 * inference inside a service worker (`sw-probe/`), its start and its warm runs. Written to `results/pwa.json`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS, assertChromium } from '../setup/chromium.ts';
import { repoRoot, requireData } from '../setup/paths.ts';
import { table } from './report.ts';
import { startStaticServer } from './server.ts';
import { quantile, round } from './stats.ts';
import { writeFile, mkdir } from 'node:fs/promises';

const visitsArg = process.argv.indexOf('--visits');
const VISITS = visitsArg >= 0 ? Number(process.argv[visitsArg + 1]) : 5;
const CALLS = 30;
const PHOTO = join('wild', 'happy', 'Karin_Stoiber_0002.jpg');

function log(message: string): void {
  process.stderr.write(`[bench:pwa] ${message}\n`);
}

const median = (values: number[]) => round(quantile([...values].sort((a, b) => a - b), 0.5));

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.failed === 'true', undefined, { timeout: 180_000 });
  if (await page.evaluate(() => document.body.dataset.failed === 'true')) throw new Error(`the app failed: ${await page.textContent('#status')}`);
}

/** Navigation start → the photo's first result, in a page of `context`. */
async function toFirstResult(context: BrowserContext, origin: string, photo: Buffer): Promise<{ readyMs: number; resultMs: number }> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await ready(page);
  const readyMs = await page.evaluate(() => performance.now());
  const resultMs = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    await window.__pwa!.detector.detect(new Blob([bytes], { type: 'image/jpeg' }));
    return performance.now();
  }, photo.toString('base64'));
  await page.close();
  return { readyMs: round(readyMs), resultMs: round(resultMs) };
}

interface ProbeTimes {
  worker: string;
  wasmReadMs: number;
  startAndDetectorSessionMs: number;
  classifierSessionMs: number;
  firstRunMs: number;
  warmRunMedianMs: number;
  error?: string;
}

/** The service-worker probe (`sw-probe/`): a cold call (onnxruntime started in the worker), then a warm one. */
async function probeServiceWorker(browser: Browser): Promise<{ cold: ProbeTimes; warm: ProbeTimes }> {
  const server = await startStaticServer([
    { prefix: '/', dir: join(repoRoot, 'test', 'bench', 'sw-probe') },
    { prefix: '/ort/', dir: join(repoRoot, 'test', 'node_modules', 'onnxruntime-web', 'dist') },
    { prefix: '/assets/', dir: join(repoRoot, 'packages', 'core', 'assets') },
  ]);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const ask = async () => {
      await page.evaluate(() => (window as unknown as { ask(): void }).ask());
      await page.waitForFunction(() => (window as unknown as { probe?: unknown }).probe !== undefined, undefined, { timeout: 60_000 });
      const times = await page.evaluate(() => (window as unknown as { probe: ProbeTimes }).probe);
      if (times.error) throw new Error(`the probe failed: ${times.error}`);
      return times;
    };
    const cold = await ask();
    const warm = await ask();
    return { cold, warm };
  } finally {
    await context.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  assertChromium();
  const tmp = mkdtempSync(join(tmpdir(), 'emolens-pwa-bench-'));
  const photo = readFileSync(join(requireData(), PHOTO));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    log('building examples/pwa (vite build)…');
    const pwaRoot = join(repoRoot, 'examples', 'pwa');
    await build({ root: pwaRoot, configFile: join(pwaRoot, 'vite.config.ts'), logLevel: 'error', build: { outDir: join(tmp, 'dist'), emptyOutDir: true } });
    const server = await startStaticServer([{ prefix: '/', dir: join(tmp, 'dist') }]);
    const context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      log('first visit…');
      const first = await toFirstResult(context, server.origin, photo);
      const files = Object.entries(server.snapshot())
        .map(([path, c]) => ({ path, requests: c.requests, bytes: c.bytes }))
        .sort((a, b) => b.bytes - a.bytes);
      const firstBytes = files.reduce((s, f) => s + f.bytes, 0);

      const page = await context.newPage();
      await page.goto(`${server.origin}/`);
      await ready(page);
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
      const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
      await cdp.detach();

      log(`REST vs direct, ${CALLS} calls each, interleaved…`);
      const latency = await page.evaluate(async ({ base64, calls }) => {
        const body = { image_base64: `data:image/jpeg;base64,${base64}` };
        const viaRest: number[] = [];
        const direct: number[] = [];
        for (let i = 0; i < calls + 3; i++) {
          let t = performance.now();
          const response = await fetch('/v1/analyze/face', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (!response.ok) throw new Error(`REST answered ${response.status}`);
          await response.json();
          if (i >= 3) viaRest.push(performance.now() - t);
          t = performance.now();
          await window.__pwa!.detector.analyzeFace(body);
          if (i >= 3) direct.push(performance.now() - t);
        }
        return { viaRest, direct };
      }, { base64: photo.toString('base64'), calls: CALLS });
      await page.close();

      log(`offline reloads ×${VISITS}…`);
      await context.setOffline(true);
      server.reset();
      const offline = [];
      for (let i = 0; i < VISITS; i++) {
        await new Promise((r) => setTimeout(r, 2000));
        offline.push(await toFirstResult(context, server.origin, photo));
      }
      const reached = server.snapshot();
      const offlineRequests = Object.values(reached).reduce((s, c) => s + c.requests, 0);

      log('inference inside a service worker (the probe)…');
      const inServiceWorker = await probeServiceWorker(browser);

      const results = {
        date: new Date().toISOString(),
        firstVisit: { ...first, bytes: firstBytes, files },
        offline: { visits: offline, medianResultMs: median(offline.map((v) => v.resultMs)), medianReadyMs: median(offline.map((v) => v.readyMs)), requestsReachingServer: offlineRequests, pathsReachingServer: Object.keys(reached) },
        rest: { calls: CALLS, viaRestMedianMs: median(latency.viaRest), directMedianMs: median(latency.direct), viaRestP95Ms: round(quantile([...latency.viaRest].sort((a, b) => a - b), 0.95)), directP95Ms: round(quantile([...latency.direct].sort((a, b) => a - b), 0.95)) },
        inServiceWorker,
        installability: { errors: installabilityErrors.map((e) => e.errorId), manifestUrl: manifest.url, manifestErrors: manifest.errors.length },
      };
      await mkdir(join(repoRoot, 'test', 'bench', 'results'), { recursive: true });
      await writeFile(join(repoRoot, 'test', 'bench', 'results', 'pwa.json'), JSON.stringify(results, null, 2) + '\n');
      const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
      process.stdout.write(
        [
          `First visit: ${mib(firstBytes)} in ${files.reduce((s, f) => s + f.requests, 0)} requests; navigation → ready ${first.readyMs} ms, → first result ${first.resultMs} ms`,
          table(['file', 'requests', 'bytes'], files.slice(0, 12).map((f) => [f.path, String(f.requests), String(f.bytes)])),
          `Offline reload → first result: median ${results.offline.medianResultMs} ms (ready ${results.offline.medianReadyMs} ms) over ${VISITS}: ${offline.map((v) => v.resultMs).join(', ')}; requests reaching the server: ${offlineRequests} (${Object.keys(reached).join(', ') || 'none'})`,
          `POST /v1/analyze/face through the service worker: median ${results.rest.viaRestMedianMs} ms (p95 ${results.rest.viaRestP95Ms}); detector.analyzeFace(): ${results.rest.directMedianMs} ms (p95 ${results.rest.directP95Ms})`,
          `Inside a service worker (onnxruntime alone, 1 thread): Worker ${inServiceWorker.cold.worker}; start + detector session ${round(inServiceWorker.cold.startAndDetectorSessionMs)} ms, classifier session ${round(inServiceWorker.cold.classifierSessionMs)} ms, first run ${round(inServiceWorker.cold.firstRunMs)} ms; warm detector + classifier run ${round(inServiceWorker.warm.warmRunMedianMs)} ms (median)`,
          `Installability: ${installabilityErrors.length === 0 ? 'no errors' : installabilityErrors.map((e) => e.errorId).join(', ')}; manifest ${manifest.url} (${manifest.errors.length} errors)`,
        ].join('\n') + '\n',
      );
    } finally {
      await context.close();
      await server.close();
    }
  } finally {
    await browser.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
