/**
 * `pnpm bench [-- --quick]`: EmoLens in headless Chromium on a production build, WASM backend, one thread,
 * default classifier. Prints a table and writes `test/bench/results/latest.json`.
 *
 * A tool, not a test: it only fails on real errors.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { repoRoot, requireData } from '../setup/paths.ts';
import { buildPage } from './build-page.ts';
import type { CallSample, FrameSet } from './page/api.ts';
import { formatReport } from './report.ts';
import type { BenchResults, DownloadFile, LatencyResult, VisitResult } from './results.ts';
import { STAGES } from './results.ts';
import { startStaticServer, type StaticServer } from './server.ts';
import { mean, round, roundSummary, summarize } from './stats.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const threadsArg = process.argv.indexOf('--threads');
/** WASM threads for the classifier (`--threads N`; default: the SDK's own choice; the bench page is cross-origin isolated). */
const threads = threadsArg >= 0 ? process.argv[threadsArg + 1]! : 'auto';

/** Iteration counts: full run, and `--quick` smoke run. */
const PLAN = quick
  ? { singleFrames: 16, grids: 6, warmup: 3, singleCalls: 16, quadCalls: 6, detectionPhotos: 16 }
  : { singleFrames: 96, grids: 24, warmup: 10, singleCalls: 200, quadCalls: 96, detectionPhotos: 96 };

const GROUP_PHOTOS = [1, 2, 3, 4, 5, 6].map((i) => `sample${i}.jpg`);

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The `file` column of `<data>/wild/labels.csv`, e.g. `angry/x.jpg`. */
function wildPhotos(dataRoot: string): string[] {
  const lines = readFileSync(join(dataRoot, 'wild', 'labels.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const column = lines[0]!.split(',').indexOf('file');
  if (column < 0) throw new Error('labels.csv has no "file" column');
  return lines.slice(1).map((l) => l.split(',')[column]!);
}

async function openPage(context: BrowserContext, origin: string, logs: string[]): Promise<{ page: Page; navigationMs: number }> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  const started = performance.now();
  await page.goto(`${origin}/?threads=${threads}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
  return { page, navigationMs: performance.now() - started };
}

async function visit(context: BrowserContext, server: StaticServer, frameUrl: string, logs: string[]): Promise<{ page: Page; result: VisitResult }> {
  server.reset();
  const { page, navigationMs } = await openPage(context, server.origin, logs);
  const coldStart = await page.evaluate((url) => window.bench.coldStart(url), frameUrl);
  const byPath = server.snapshot();
  const entries = Object.entries(byPath);
  const result: VisitResult = {
    navigationMs: round(navigationMs),
    coldStart: {
      ...coldStart,
      sinceNavigationMs: round(coldStart.sinceNavigationMs),
      createMs: round(coldStart.createMs),
      firstDetectMs: round(coldStart.firstDetectMs),
      totalMs: round(coldStart.totalMs),
      readyElapsedMs: coldStart.readyElapsedMs === null ? null : round(coldStart.readyElapsedMs),
    },
    server: {
      requests: entries.reduce((s, [, c]) => s + c.requests, 0),
      bytes: entries.reduce((s, [, c]) => s + c.bytes, 0),
      appBytes: entries.filter(([p]) => !p.startsWith('/data/')).reduce((s, [, c]) => s + c.bytes, 0),
      byPath,
    },
  };
  return { page, result };
}

async function latency(page: Page, set: FrameSet, frames: number, minCalls: number): Promise<LatencyResult> {
  const samples: CallSample[] = await page.evaluate(([s, w, n]) => window.bench.latency(s, w, n), [set, PLAN.warmup, minCalls] as const);
  const histogram: Record<string, number> = {};
  for (const sample of samples) histogram[sample.faces] = (histogram[sample.faces] ?? 0) + 1;
  const stages = Object.fromEntries(STAGES.map((stage) => [stage, roundSummary(summarize(samples.map((x) => x[stage])))])) as LatencyResult['stages'];
  return { frames, warmup: PLAN.warmup, calls: samples.length, stages, facesMean: round(mean(samples.map((x) => x.faces)), 3), facesHistogram: histogram };
}

async function downloads(outDir: string, first: VisitResult): Promise<BenchResults['download']> {
  const files: DownloadFile[] = [];
  for (const [path, counter] of Object.entries(first.server.byPath)) {
    if (path.startsWith('/data/')) continue;
    let gzipBytes = 0;
    if (counter.statuses[200]) gzipBytes = gzipSync(await readFile(join(outDir, path))).byteLength;
    files.push({ path, requests: counter.requests, bytes: counter.bytes, gzipBytes });
  }
  files.sort((a, b) => b.bytes - a.bytes);
  return {
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    totalGzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
  };
}

/** Console lines with MediaPipe's glog prefix (`W1121 15:21:15.307000 2172416 `) removed, repeats counted. */
function collapse(lines: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const key = line.replace(/\] [IWEF]\d{4} [\d:.]+ \d+ /, '] ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => (n > 1 ? `${line} (×${n})` : line));
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAvgStart = os.loadavg().map((v) => round(v));
  assertChromium();
  const dataRoot = requireData();
  const photos = wildPhotos(dataRoot);
  const groupDir = join(repoRoot, 'test', 'node_modules', '@vladmandic', 'face-api', 'demo');

  log('building the bench page (vite build)…');
  const page = await buildPage(join(benchDir, 'page'), join(benchDir, '.build'));
  log(`built ${page.files.length} files in ${(page.ms / 1000).toFixed(1)} s`);

  const server = await startStaticServer([
    { prefix: '/', dir: page.outDir },
    { prefix: '/data/wild/', dir: join(dataRoot, 'wild') },
    { prefix: '/data/group/', dir: groupDir },
  ]);
  const wildUrl = (file: string) => `/data/wild/${file.split('/').map(encodeURIComponent).join('/')}`;
  let browser: Browser | undefined;
  const logs: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const chromiumVersion = browser.version();
    const context = await browser.newContext();
    const frameUrl = wildUrl(photos[0]!);

    log('cold start, first visit (fresh context)…');
    const first = await visit(context, server, frameUrl, logs);
    await first.page.evaluate(() => window.bench.dispose());
    await first.page.close();

    log('cold start, second visit (same context)…');
    const second = await visit(context, server, frameUrl, logs);
    const bench = second.page;

    log('making frames…');
    const made = await bench.evaluate(([urls, grids]) => window.bench.makeFrames(urls, grids), [
      photos.slice(0, PLAN.singleFrames).map(wildUrl),
      PLAN.grids,
    ] as const);

    log(`latency, 1 face (${Math.max(PLAN.singleCalls, made.single)} calls)…`);
    const single = await latency(bench, 'single', made.single, PLAN.singleCalls);
    log(`latency, 4 faces (${Math.max(PLAN.quadCalls, made.quad)} calls)…`);
    const quad = await latency(bench, 'quad', made.quad, PLAN.quadCalls);

    log(`face detection on ${PLAN.detectionPhotos} wild photos…`);
    const detectionFiles = photos.slice(0, PLAN.detectionPhotos);
    const found = await bench.evaluate((urls) => window.bench.facesPerImage(urls), detectionFiles.map(wildUrl));
    const groupPhotos = await bench.evaluate((urls) => window.bench.facesPerImage(urls), GROUP_PHOTOS.map((f) => `/data/group/${f}`));
    await bench.evaluate(() => window.bench.dispose());
    await context.close();

    log('gzip sizes…');
    const download = await downloads(page.outDir, first.result);
    const name = (url: string) => decodeURIComponent(url.replace('/data/wild/', ''));
    const results: BenchResults = {
      date: new Date().toISOString(),
      quick,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
        totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.versions.node,
        chromium: chromiumVersion,
        loadAvgStart,
        loadAvgEnd: os.loadavg().map((v) => round(v)),
      },
      config: { backend: 'wasm', threads: first.result.coldStart.threads, classifier: first.result.coldStart.classifier, frameSize: '640x480' },
      build: { ms: round(page.ms), files: page.files, warnings: page.warnings },
      latency: { single, quad },
      coldStart: { first: first.result, second: second.result },
      download,
      detection: {
        photos: found.length,
        withFace: found.filter((f) => f.faces >= 1).length,
        exactlyOne: found.filter((f) => f.faces === 1).length,
        noFace: found.filter((f) => f.faces === 0).map((f) => name(f.url)),
        moreThanOne: found.filter((f) => f.faces > 1).map((f) => `${name(f.url)} (${f.faces})`),
      },
      groupPhotos,
      pageLogs: collapse(logs),
      totalMs: round(performance.now() - started),
    };
    if (first.result.coldStart.backend !== 'wasm') log(`warning: the detector runs on ${first.result.coldStart.backend}, not wasm`);

    const resultsDir = join(benchDir, 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
    process.stdout.write(formatReport(results) + '\n');
    log(`wrote ${join('test', 'bench', 'results', 'latest.json')}`);
  } finally {
    await browser?.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
