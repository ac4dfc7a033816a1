/**
 * `pnpm bench [--quick] [--threads N] [--no-peers] [--peer-backend wasm|webgl|cpu]`: EmoLens in headless
 * Chromium on a production build (per stage), then side by side with `@vladmandic/human` and
 * `@vladmandic/face-api` on the same frames (`systems.ts`). Prints tables and writes
 * `test/bench/results/latest.json`.
 *
 * `--classifier NAME` runs the EmoLens-only measurements with another classifier (e.g. `emolens-fer`); the
 * side-by-side part is skipped then (it compares the defaults).
 *
 * `pnpm bench --cold N`: cold start alone: a first visit, then N cached visits; median and timeline
 * (`cold.ts`), written to `results/cold.json`.
 *
 * `pnpm bench --dense`: faces found and the cost of tiling on dense images (`dense.ts`), written to
 * `results/dense.json`.
 *
 * `pnpm bench --soak N`: N frames through one EmoLens detector, memory every 1,000 frames (`soak.ts`);
 * writes `results/soak.json` and exits 1 if memory grew past the threshold.
 *
 * `pnpm bench --video`: analyzeVideo on a 10 s 640×480 30 fps file, analysed frames/s (`video.ts`), written to
 * `results/video.json`.
 *
 * `pnpm bench --tracking`: a stream on a fake camera: id switches on a crossing clip, label changes per minute
 * of a steady face, raw and smoothed (`tracking.ts`), written to `results/tracking.json`; `--tracking-fps N` sets
 * the clips' frame rate (30 by default).
 *
 * `pnpm bench --live`: EmoLens and the peers on a live 60 fps source, 1 and 3 faces, each in its own video mode;
 * results/s, latency, skipped frames, long tasks (`live.ts`), written to `results/live.json`. `--quick`: 5 s per
 * run instead of 20; `--no-peers`, `--peer-backend` and `--threads` apply, and `--detection-reuse-ms N` sets the
 * streams' `detectionReuseMs`, `--live-fps N` the source's frame rate (60 by default), `--live-landmarks` has
 * EmoLens's streams ask for the face mesh, and `--live-signals a,b` switches those signals on (e.g.
 * `returnActionUnits,returnAttention`).
 *
 * A tool, not a test: apart from the soak threshold, it only fails on real errors.
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
import type { PeerBackend, SystemId } from './page/api.ts';
import { formatReport } from './report.ts';
import type { BenchResults, DownloadFile, LatencyResult, SideBySide, SoakResults, SystemResult, VisitResult } from './results.ts';
import { STAGES } from './results.ts';
import { startStaticServer, type StaticServer } from './server.ts';
import { formatSideBySide } from './side-report.ts';
import { formatSoak, soak } from './soak.ts';
import { coldStarts, formatCold, type ColdResults } from './cold.ts';
import { openProfile } from './profile.ts';
import { mean, round, roundSummary, summarize } from './stats.ts';
import { fastest, measureSystem, tryBackends, type SystemPlan } from './systems.ts';
import { interleavedLatency } from './interleaved.ts';
import { denseRecall, formatDense, type DenseResults } from './dense.ts';
import { formatLive, liveBench } from './live.ts';
import { formatTracking, trackingBench } from './tracking.ts';
import { formatVideo, videoBench } from './video.ts';
import type { LiveResults } from './results.ts';
import { gridPhotoIndexes, PORTRAIT_GRID } from '../fixtures/portrait-grid.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const threadsArg = process.argv.indexOf('--threads');
/** WASM threads for the classifier (`--threads N`; default: the SDK's own choice; the bench page is cross-origin isolated). */
const threads = threadsArg >= 0 ? process.argv[threadsArg + 1]! : 'auto';
const soakArg = process.argv.indexOf('--soak');
/** `--soak N`: frames of the soak run. */
const soakFrames = soakArg >= 0 ? Number(process.argv[soakArg + 1]) : 0;
/** `--classifier NAME`: the EmoLens-only part runs this classifier instead of the default (side by side: off). */
const classifierArg = process.argv.indexOf('--classifier');
const classifier = classifierArg >= 0 ? process.argv[classifierArg + 1] : undefined;
/** `--cold N`: cold start alone, a first visit and N cached ones (`cold.ts`). */
const coldArg = process.argv.indexOf('--cold');
const coldVisits = coldArg >= 0 ? Number(process.argv[coldArg + 1]) : 0;
const noPeers = process.argv.includes('--no-peers');
/** `--dense`: the dense-image measurements alone (`dense.ts`). */
const dense = process.argv.includes('--dense');
const peerBackendArg = process.argv.indexOf('--peer-backend');
/** `--peer-backend B`: skip the backend trials and run the peers on B. */
const peerBackend = peerBackendArg >= 0 ? (process.argv[peerBackendArg + 1] as PeerBackend) : undefined;
const PEER_BACKENDS: PeerBackend[] = ['wasm', 'webgl', 'cpu'];
/** `--video`: analyzeVideo's analysed frames per second (`video.ts`). */
const video = process.argv.includes('--video');
/** `--tracking`: ids and label steadiness of a stream on a fake camera (`tracking.ts`). */
const tracking = process.argv.includes('--tracking');
const trackingFpsArg = process.argv.indexOf('--tracking-fps');
/** `--tracking-fps N`: the fake camera clips' frame rate (default 30). */
const trackingFps = trackingFpsArg >= 0 ? Number(process.argv[trackingFpsArg + 1]) : undefined;
/** `--live`: the live-source measurements alone (`live.ts`). */
const live = process.argv.includes('--live');
const reuseArg = process.argv.indexOf('--detection-reuse-ms');
/** `--detection-reuse-ms N`: the live streams' `detectionReuseMs` (default: the SDK's). */
const detectionReuseMs = reuseArg >= 0 ? Number(process.argv[reuseArg + 1]) : undefined;
const liveFpsArg = process.argv.indexOf('--live-fps');
/** `--live-fps N`: the live source's frame rate (default 60). */
const liveFps = liveFpsArg >= 0 ? Number(process.argv[liveFpsArg + 1]) : undefined;
/** `--live-landmarks`: EmoLens's live streams ask for the face mesh. */
const liveLandmarks = process.argv.includes('--live-landmarks');
const liveSignalsArg = process.argv.indexOf('--live-signals');
/** `--live-signals a,b`: EmoLens's live streams switch these signals on (`returnActionUnits,returnAttention,…`). */
const liveSignals = liveSignalsArg >= 0 ? process.argv[liveSignalsArg + 1]!.split(',') : undefined;
/** Live runs: untimed warm-up, then the measured window, per system and scene. */
const LIVE_WARMUP_MS = 2000;
const LIVE_DURATION_MS = quick ? 5000 : 20_000;

/** The 300-frame clip (`page/clip.ts`) is made from these wild photos (indexes into labels.csv), 100 frames each. */
const CLIP_PHOTOS = [0, 17, 42];
const CLIP_LENGTH = 300;
/** People in `sample1..6.jpg` (counted by eye; `test/browser/photos.ts`). */
const GROUP_PEOPLE = [3, 3, 3, 4, 5, 4];
/** Memory runs: frames on the clip; a system slower than `MEMORY_BUDGET_MS` for this many frames gets `MEMORY_FRAMES_SLOW`. */
const MEMORY_FRAMES = quick ? 1000 : 5000;
const MEMORY_FRAMES_SLOW = quick ? 1000 : 2000;
const MEMORY_BUDGET_MS = 240_000;

/** Iteration counts: full run, and `--quick` smoke run. */
const PLAN = quick
  ? { singleFrames: 16, grids: 6, warmup: 3, singleCalls: 16, quadCalls: 6, detectionPhotos: 16, rounds: 2, roundCalls: 16 }
  : { singleFrames: 96, grids: 24, warmup: 10, singleCalls: 200, quadCalls: 96, detectionPhotos: 96, rounds: 6, roundCalls: 48 };

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
  await page.goto(`${origin}/?threads=${threads}${classifier ? `&classifier=${encodeURIComponent(classifier)}` : ''}`);
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

/** Writes `results/<file>`, prints the report and the page's console warnings/errors (at most 20). */
async function report(file: string, results: object, text: string, logs: readonly string[]): Promise<void> {
  const resultsDir = join(benchDir, 'results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(join(resultsDir, file), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(text + '\n');
  if (logs.length) process.stdout.write(`page console warnings/errors:\n${collapse(logs).slice(0, 20).map((l) => `  ${l}`).join('\n')}\n`);
  log(`wrote ${join('test', 'bench', 'results', file)}`);
}

function machine(chromiumVersion: string, loadAvgStart: number[]): BenchResults['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    chromium: chromiumVersion,
    loadAvgStart,
    loadAvgEnd: os.loadavg().map((v) => round(v)),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAvgStart = os.loadavg().map((v) => round(v));
  assertChromium();
  if (video) {
    const results = await videoBench(log);
    await report('video.json', results, formatVideo(results), []);
    return;
  }
  if (tracking) {
    const results = await trackingBench(quick, log, trackingFps);
    await report('tracking.json', results, formatTracking(results), []);
    return;
  }
  const dataRoot = requireData();
  const photos = wildPhotos(dataRoot);
  const groupDir = join(repoRoot, 'test', 'node_modules', '@vladmandic', 'face-api', 'demo');

  log('building the bench page (vite build)…');
  const page = await buildPage(join(benchDir, 'page'), join(benchDir, '.build'));
  log(`built ${page.files.length} files in ${(page.ms / 1000).toFixed(1)} s`);

  const testModules = join(repoRoot, 'test', 'node_modules');
  const server = await startStaticServer([
    { prefix: '/', dir: page.outDir },
    { prefix: '/data/wild/', dir: join(dataRoot, 'wild') },
    { prefix: '/data/group/', dir: groupDir },
    // The peers' models, as they ship in their npm packages, and tfjs's wasm binaries.
    { prefix: '/models/human/', dir: join(testModules, '@vladmandic', 'human', 'models') },
    { prefix: '/models/faceapi/', dir: join(testModules, '@vladmandic', 'face-api', 'model') },
    { prefix: '/tfjs-wasm/', dir: join(testModules, '@tensorflow', 'tfjs-backend-wasm', 'dist') },
    // The peers' prebuilt ESM bundles, served as they ship.
    { prefix: '/lib/human/', dir: join(testModules, '@vladmandic', 'human', 'dist') },
    { prefix: '/lib/faceapi/', dir: join(testModules, '@vladmandic', 'face-api', 'dist') },
  ]);
  const wildUrl = (file: string) => `/data/wild/${file.split('/').map(encodeURIComponent).join('/')}`;
  const clipUrls = CLIP_PHOTOS.map((i) => wildUrl(photos[i % photos.length]!));
  let browser: Browser | undefined;
  const logs: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    if (soakFrames > 0) {
      const run = await soak(browser, server, soakFrames, { first: wildUrl(photos[0]!), clip: clipUrls, clipLength: CLIP_LENGTH }, logs, log);
      const results: SoakResults = { date: new Date().toISOString(), machine: machine(browser.version(), loadAvgStart), ...run };
      await report('soak.json', results, formatSoak(results), logs);
      if (!results.passed) process.exitCode = 1;
      return;
    }
    if (coldVisits > 0) {
      const incognito = browser;
      const newContext = process.argv.includes('--incognito') ? () => incognito.newContext() : () => openProfile();
      const run = await coldStarts(newContext, (c) => visit(c, server, wildUrl(photos[0]!), logs), coldVisits, log);
      const results: ColdResults & { machine: BenchResults['machine'] } = { date: new Date().toISOString(), machine: machine(browser.version(), loadAvgStart), ...run };
      await report('cold.json', results, formatCold(results), logs);
      return;
    }
    if (dense) {
      const context = await openProfile();
      const { page } = await visit(context, server, wildUrl(photos[0]!), logs);
      const gridUrls = (count: number) => gridPhotoIndexes(count, photos.length).map((i) => wildUrl(photos[i]!));
      const { cols, rows, cell } = PORTRAIT_GRID;
      log('dense images…');
      const run = await denseRecall(page, [
        { name: `portrait grid ${cols}×${rows}`, faces: cols * rows, grid: { urls: gridUrls(cols * rows), cols, rows, cell } },
        { name: 'portrait grid 4×3 (500 px)', faces: 12, grid: { urls: gridUrls(12), cols: 4, rows: 3, cell: 500 } },
        ...GROUP_PHOTOS.map((f, i) => ({ name: `group ${f}`, faces: GROUP_PEOPLE[i]!, url: `/data/group/${f}` })),
      ], quick ? 3 : 10);
      await context.close();
      const results: DenseResults & { machine: BenchResults['machine'] } = { date: new Date().toISOString(), machine: machine(browser.version(), loadAvgStart), ...run };
      await report('dense.json', results, formatDense(results), logs);
      return;
    }
    if (live) {
      const run = await liveBench(browser, server, {
        urls: clipUrls,
        frameUrl: wildUrl(photos[0]!),
        trialUrls: photos.slice(0, 16).map(wildUrl),
        warmupMs: LIVE_WARMUP_MS,
        durationMs: LIVE_DURATION_MS,
        peers: !noPeers,
        peerBackend,
        threads,
        detectionReuseMs,
        fps: liveFps,
        landmarks: liveLandmarks,
        signals: liveSignals,
      }, logs, log);
      const results: LiveResults = { date: new Date().toISOString(), quick, machine: machine(browser.version(), loadAvgStart), ...run, pageLogs: collapse(logs) };
      await report('live.json', results, formatLive(results), logs);
      return;
    }
    const chromiumVersion = browser.version();
    const context = await openProfile();
    const frameUrl = wildUrl(photos[0]!);

    log('cold start, first visit (fresh profile)…');
    const first = await visit(context, server, frameUrl, logs);
    await first.page.evaluate(() => window.bench.dispose());
    await first.page.close();

    log('cold start, second visit (same profile)…');
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

    let sideBySide: SideBySide | undefined;
    if (!noPeers && !classifier) {
      const plan: SystemPlan = {
        singleUrls: photos.slice(0, PLAN.singleFrames).map(wildUrl),
        grids: PLAN.grids,
        clipUrls,
        clipLength: CLIP_LENGTH,
        groupUrls: GROUP_PHOTOS.map((f) => `/data/group/${f}`),
        groupPeople: GROUP_PEOPLE,
        warmup: PLAN.warmup,
        singleCalls: PLAN.singleCalls,
        quadCalls: PLAN.quadCalls,
        latencyMaxMs: quick ? 15_000 : 60_000,
      };
      const planned: Record<SystemId, number> = { emolens: MEMORY_FRAMES, human: MEMORY_FRAMES, faceapi: MEMORY_FRAMES };
      const trials: SideBySide['backendTrials'] = {};
      const systems: SystemResult[] = [];
      const backends: { system: SystemId; backend: PeerBackend }[] = [];
      for (const system of ['emolens', 'human', 'faceapi'] as const) {
        let backend: PeerBackend = 'wasm';
        if (system !== 'emolens') {
          if (peerBackend) backend = peerBackend;
          else {
            log(`${system}: trying backends ${PEER_BACKENDS.join(', ')}…`);
            trials[system] = await tryBackends(browser, server, system, PEER_BACKENDS, { urls: plan.singleUrls.slice(0, 16), calls: quick ? 8 : 24, maxMs: 20_000 }, logs, log);
            backend = fastest(trials[system]!);
            log(`${system}: fastest backend ${backend}`);
          }
        }
        const memoryFrames = (p50: number) => {
          planned[system] = p50 * MEMORY_FRAMES > MEMORY_BUDGET_MS ? MEMORY_FRAMES_SLOW : MEMORY_FRAMES;
          return planned[system];
        };
        systems.push(await measureSystem(() => openProfile(), server, system, backend, plan, memoryFrames, logs, log));
        backends.push({ system, backend });
      }
      log(`interleaved 1-face latency: ${PLAN.rounds} rounds × ${PLAN.roundCalls} calls per system…`);
      const interleaved = await interleavedLatency(
        () => openProfile(),
        server,
        backends,
        { urls: plan.singleUrls, rounds: PLAN.rounds, calls: PLAN.roundCalls, warmup: PLAN.warmup },
        logs,
        log,
      );
      sideBySide = { clipLength: CLIP_LENGTH, memoryFramesPlanned: planned, backendTrials: trials, systems, interleaved };
    }

    log('gzip sizes…');
    const download = await downloads(page.outDir, first.result);
    const name = (url: string) => decodeURIComponent(url.replace('/data/wild/', ''));
    const results: BenchResults = {
      date: new Date().toISOString(),
      quick,
      machine: machine(chromiumVersion, loadAvgStart),
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
      ...(sideBySide ? { sideBySide } : {}),
      pageLogs: collapse(logs),
      totalMs: round(performance.now() - started),
    };
    if (first.result.coldStart.backend !== 'wasm') log(`warning: the detector runs on ${first.result.coldStart.backend}, not wasm`);

    // The page logs are in the JSON (`pageLogs`), not repeated on stdout.
    await report('latest.json', results, formatReport(results) + (sideBySide ? '\n\n' + formatSideBySide(sideBySide) : ''), []);
  } finally {
    await browser?.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
