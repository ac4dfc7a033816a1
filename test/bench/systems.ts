/**
 * Node side of the side-by-side bench: opens a system's page (`/` EmoLens, `/human.html`,
 * `/faceapi.html`), measures it through `window.sys` (`page/harness.ts`) and returns a {@link SystemResult}.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PeerBackend, SystemColdStart, SystemId, SystemSample } from './page/api.ts';
import type { BackendTrial, Recall, SystemResult, SystemVisit } from './results.ts';
import { clipRun, EMOLENS_WASM_SCOPES } from './memory.ts';
import type { StaticServer } from './server.ts';
import { round, roundSummary, summarize } from './stats.ts';

export const PAGES: Record<SystemId, string> = { emolens: '/', human: '/human.html', faceapi: '/faceapi.html' };
export const NAMES: Record<SystemId, string> = { emolens: 'EmoLens', human: 'Human', faceapi: 'face-api' };

export interface SystemPlan {
  singleUrls: string[];
  grids: number;
  clipUrls: string[];
  clipLength: number;
  groupUrls: string[];
  groupPeople: number[];
  warmup: number;
  singleCalls: number;
  quadCalls: number;
  /** Stop a latency run after this long once every frame was seen once. */
  latencyMaxMs: number;
}

export type Log = (message: string) => void;

/** Opens the page, forwarding its console errors and warnings to `logs`. */
export async function openSystemPage(context: BrowserContext, origin: string, system: SystemId, logs: string[], query = ''): Promise<{ page: Page; navigationMs: number }> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${system}] [${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => logs.push(`[${system}] [pageerror] ${e.message}`));
  const started = performance.now();
  await page.goto(`${origin}${PAGES[system]}${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
  return { page, navigationMs: performance.now() - started };
}

async function visit(context: BrowserContext, server: StaticServer, system: SystemId, backend: PeerBackend, frameUrl: string, logs: string[]): Promise<{ page: Page; visit: SystemVisit }> {
  server.reset();
  const { page, navigationMs } = await openSystemPage(context, server.origin, system, logs);
  const coldStart: SystemColdStart = await page.evaluate(([b, url]) => window.sys.init(b, url), [backend, frameUrl] as const);
  const byPath = server.snapshot();
  const app = Object.entries(byPath).filter(([p]) => !p.startsWith('/data/'));
  return {
    page,
    visit: {
      navigationMs: round(navigationMs),
      coldStart: { ...coldStart, sinceNavigationMs: round(coldStart.sinceNavigationMs), createMs: round(coldStart.createMs), firstDetectMs: round(coldStart.firstDetectMs), totalMs: round(coldStart.totalMs) },
      toFirstResultMs: round(coldStart.sinceNavigationMs + coldStart.totalMs),
      requests: app.reduce((s, [, c]) => s + c.requests, 0),
      appBytes: app.reduce((s, [, c]) => s + c.bytes, 0),
      byPath,
    },
  };
}

/** A short 1-face latency run on each backend, in a fresh context each; the fastest p50 wins. */
export async function tryBackends(browser: Browser, server: StaticServer, system: SystemId, backends: readonly PeerBackend[], plan: { urls: string[]; calls: number; maxMs: number }, logs: string[], log: Log): Promise<BackendTrial[]> {
  const trials: BackendTrial[] = [];
  for (const backend of backends) {
    const context = await browser.newContext();
    try {
      const { page } = await openSystemPage(context, server.origin, system, logs);
      const init = await page.evaluate(([b, url]) => window.sys.init(b, url), [backend, plan.urls[0]!] as const);
      await page.evaluate(([urls]) => window.sys.makeFrames(urls, 0), [plan.urls] as const);
      const samples: SystemSample[] = await page.evaluate(([n, max]) => window.sys.latency('single', 3, n, max), [plan.calls, plan.maxMs] as const);
      const p50 = round(summarize(samples.map((s) => s.ms)).p50);
      trials.push({ backend, p50, calls: samples.length, initMs: round(init.totalMs) });
      log(`  ${system} on ${backend}: p50 ${p50} ms (${samples.length} calls), set-up + 1st result ${round(init.totalMs)} ms`);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      trials.push({ backend, p50: null, calls: 0, initMs: null, error: message });
      log(`  ${system} on ${backend}: failed: ${message}`);
    } finally {
      await context.close();
    }
  }
  return trials;
}

export function fastest(trials: readonly BackendTrial[]): PeerBackend {
  const ok = trials.filter((t) => t.p50 !== null).sort((a, b) => a.p50! - b.p50!);
  if (!ok[0]) throw new Error('no backend works');
  return ok[0].backend;
}

function recall(found: readonly number[], present: readonly number[]): Recall {
  let hit = 0;
  let extra = 0;
  let total = 0;
  found.forEach((f, i) => {
    const p = present[i]!;
    total += p;
    hit += Math.min(f, p);
    extra += Math.max(0, f - p);
  });
  return { present: total, found: hit, extra, recall: total === 0 ? Number.NaN : round(hit / total, 4) };
}

function sumRecall(parts: readonly Recall[]): Recall {
  const present = parts.reduce((s, r) => s + r.present, 0);
  const found = parts.reduce((s, r) => s + r.found, 0);
  return { present, found, extra: parts.reduce((s, r) => s + r.extra, 0), recall: round(found / present, 4) };
}

/** Memory sample frame counts: 500, then every 1,000 up to `frames` (and `frames` itself). */
export function sampleFrames(frames: number): number[] {
  const at = new Set([500]);
  for (let f = 1000; f <= frames; f += 1000) at.add(f);
  at.add(frames);
  return [...at].filter((f) => f <= frames).sort((a, b) => a - b);
}

export async function measureSystem(
  newContext: () => Promise<BrowserContext>,
  server: StaticServer,
  system: SystemId,
  backend: PeerBackend,
  plan: SystemPlan,
  memoryFrames: (p50: number) => number,
  logs: string[],
  log: Log,
): Promise<SystemResult> {
  const context = await newContext();
  try {
    log(`${system}: cold start, first visit (fresh profile)…`);
    const first = await visit(context, server, system, backend, plan.singleUrls[0]!, logs);
    await first.page.evaluate(() => window.sys.dispose());
    await first.page.close();
    log(`${system}: cold start, second visit (same profile)…`);
    const cached = await visit(context, server, system, backend, plan.singleUrls[0]!, logs);
    const page = cached.page;

    await page.evaluate(([urls, grids]) => window.sys.makeFrames(urls, grids), [plan.singleUrls, plan.grids] as const);
    await page.evaluate(([urls, n]) => window.sys.makeClip(urls, n), [plan.clipUrls, plan.clipLength] as const);

    log(`${system}: latency, 1 face…`);
    const single: SystemSample[] = await page.evaluate(([w, n, max]) => window.sys.latency('single', w, n, max), [plan.warmup, plan.singleCalls, plan.latencyMaxMs] as const);
    log(`${system}: latency, 4 faces…`);
    const quad: SystemSample[] = await page.evaluate(([w, n, max]) => window.sys.latency('quad', w, n, max), [plan.warmup, plan.quadCalls, plan.latencyMaxMs] as const);

    log(`${system}: recall…`);
    const singleFaces = await page.evaluate(() => window.sys.facesPerFrame('single'));
    const quadFaces = await page.evaluate(() => window.sys.facesPerFrame('quad'));
    const groupFaces = await page.evaluate((urls) => window.sys.facesPerImage(urls), plan.groupUrls);

    const p50 = summarize(single.map((s) => s.ms)).p50;
    const frames = memoryFrames(p50);
    log(`${system}: clip, ${frames} frames back to back, memory at ${sampleFrames(frames).join(', ')}…`);
    const run = await clipRun(page, frames, sampleFrames(frames), log, system, system === 'emolens' ? EMOLENS_WASM_SCOPES : []);
    const init = cached.visit.coldStart;
    await page.evaluate(() => window.sys.dispose());

    const from = run.samples.find((s) => s.frame === 500) ?? run.samples[0]!;
    const to = run.samples[run.samples.length - 1]!;
    const recalls = {
      single: recall(singleFaces, singleFaces.map(() => 1)),
      quad: recall(quadFaces, quadFaces.map(() => 4)),
      clip: recall(run.firstPassFaces, run.firstPassFaces.map(() => 1)),
      group: recall(groupFaces, plan.groupPeople),
    };
    const { firstPassFaces: _faces, ...clip } = run;
    return {
      system,
      version: init.version,
      backend: init.backend,
      threads: init.threads,
      where: system === 'emolens' ? 'worker' : 'main thread',
      first: first.visit,
      cached: cached.visit,
      latency: {
        single: { ...roundSummary(summarize(single.map((s) => s.ms))), faces: round(single.reduce((s, x) => s + x.faces, 0) / single.length, 3) },
        quad: { ...roundSummary(summarize(quad.map((s) => s.ms))), faces: round(quad.reduce((s, x) => s + x.faces, 0) / quad.length, 3) },
      },
      recall: { ...recalls, all: sumRecall(Object.values(recalls)) },
      clip: { ...clip, detectMs: round(clip.detectMs), fps: round(clip.fps), p50: round(clip.p50), p95: round(clip.p95) },
      growth: {
        from: from.frame,
        to: to.frame,
        jsBytes: to.jsBytes - from.jsBytes,
        wasmBytes: to.wasmBytes - from.wasmBytes,
        totalBytes: to.totalBytes - from.totalBytes,
      },
    };
  } finally {
    await context.close();
  }
}
