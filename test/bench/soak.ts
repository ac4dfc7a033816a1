/**
 * `pnpm bench --soak N`: N frames through one EmoLens detector, one after another, cycling through the
 * 300-frame clip; memory (JS heaps of the page and its workers + wasm memories, `page/memory.ts`)
 * sampled every 1,000 frames. Fails (exit code 1) if the total grew by more than {@link SOAK_THRESHOLD_BYTES}
 * between the sample at frame 1,000 (models loaded, buffers at their working size) and the last.
 */
import type { Browser } from 'playwright-core';
import type { MemorySample } from './page/api.ts';
import { bytes, table } from './report.ts';
import type { SoakResults } from './results.ts';
import { clipRun, EMOLENS_WASM_SCOPES } from './memory.ts';
import type { StaticServer } from './server.ts';
import { round } from './stats.ts';
import { openSystemPage, type Log } from './systems.ts';

export const SOAK_THRESHOLD_BYTES = 5 * 1024 * 1024;
export const SOAK_FROM_FRAME = 1000;

export async function soak(
  browser: Browser,
  server: StaticServer,
  frames: number,
  urls: { first: string; clip: string[]; clipLength: number },
  logs: string[],
  log: Log,
): Promise<Omit<SoakResults, 'date' | 'machine'>> {
  const context = await browser.newContext();
  try {
    const { page } = await openSystemPage(context, server.origin, 'emolens', logs);
    await page.evaluate(([url]) => window.sys.init('wasm', url), [urls.first] as const);
    await page.evaluate(([clip, n]) => window.sys.makeClip(clip, n), [urls.clip, urls.clipLength] as const);
    const at: number[] = [];
    for (let f = 1000; f <= frames; f += 1000) at.push(f);
    if (at[at.length - 1] !== frames) at.push(frames);
    log(`soak: ${frames} frames, memory every 1,000…`);
    const run = await clipRun(page, frames, at, log, 'soak', EMOLENS_WASM_SCOPES);
    await page.evaluate(() => window.sys.dispose());
    const from = run.samples.find((s) => s.frame === SOAK_FROM_FRAME) ?? run.samples[0]!;
    const last = run.samples[run.samples.length - 1]!;
    const growthBytes = last.totalBytes - from.totalBytes;
    return {
      frames,
      thresholdBytes: SOAK_THRESHOLD_BYTES,
      from: from.frame,
      samples: run.samples,
      growthBytes,
      fps: round(run.fps),
      p50: round(run.p50),
      p95: round(run.p95),
      passed: growthBytes <= SOAK_THRESHOLD_BYTES,
    };
  } finally {
    await context.close();
  }
}

const mb = (v: number) => (v / 2 ** 20).toFixed(2);
const signedMb = (v: number) => `${v >= 0 ? '+' : ''}${mb(v)}`;

export function formatSoak(r: SoakResults): string {
  const first = r.samples.find((s) => s.frame === r.from) ?? r.samples[0]!;
  const row = (s: MemorySample) => [
    s.frame,
    mb(s.pageJs),
    mb(s.workerJs),
    mb(s.jsBytes),
    mb(s.wasmBytes),
    mb(s.totalBytes),
    signedMb(s.totalBytes - first.totalBytes),
  ];
  return [
    `EmoLens soak — ${r.date}, ${r.frames} frames (the 300-frame clip, cycled), one detector, worker, WASM`,
    `${r.machine.cpus} × ${r.machine.cpuModel}, Chromium ${r.machine.chromium}`,
    `MiB; JS = CDP Runtime.getHeapUsage after a full GC (page + pipeline worker + inference worker); wasm = live WebAssembly.Memory sizes (MediaPipe in the pipeline worker, onnxruntime in the inference worker)`,
    table(['frame', 'page JS', 'worker JS', 'JS total', 'wasm', 'JS + wasm', `vs frame ${r.from}`], r.samples.map(row)),
    `throughput ${r.fps} frames/s, latency p50 ${r.p50} ms, p95 ${r.p95} ms`,
    `growth frame ${r.from} → ${r.frames}: ${signedMb(r.growthBytes)} MiB (threshold ${bytes(r.thresholdBytes)}): ${r.passed ? 'PASS' : 'FAIL'}`,
  ].join('\n');
}
