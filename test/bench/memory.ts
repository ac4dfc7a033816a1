/**
 * Memory of a bench page and its workers, sampled from Node between segments of a run:
 * - JS heap: CDP `HeapProfiler.collectGarbage` then `Runtime.getHeapUsage` (`usedSize`) on the page and on
 *   each worker attached to it (EmoLens: its pipeline worker; the peers: tfjs's wasm thread workers, which
 *   answer only when idle — those that don't within 1 s are counted as skipped). onnxruntime's threads are
 *   workers of the pipeline worker and are not measured (their heaps hold no per-frame state).
 * - wasm: the live `WebAssembly.Memory` sizes the page's hook reports (`page/wasm-memory.ts`), in the page
 *   and in EmoLens's pipeline worker.
 *
 * `performance.measureUserAgentSpecificMemory()` was tried first: it leaves wasm memory out, and with
 * wasm threads waiting in `Atomics.wait` it took ~60 s per call even with `ForceEagerMeasureMemory`.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { MemorySample } from './page/api.ts';
import { quantile } from './stats.ts';

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

export interface MemoryProbe {
  sample(frame: number): Promise<MemorySample>;
  close(): Promise<void>;
}

export async function memoryProbe(page: Page): Promise<MemoryProbe> {
  const session: CDPSession = await page.context().newCDPSession(page);
  const workers = new Map<string, string>();
  const pending = new Map<number, (value: unknown) => void>();
  session.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.set(e.sessionId, e.targetInfo.url);
  });
  session.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  session.on('Target.receivedMessageFromTarget', (e) => {
    const message = JSON.parse(e.message) as { id: number; result?: unknown; error?: unknown };
    pending.get(message.id)?.(message.error ? undefined : message.result);
    pending.delete(message.id);
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  let nextId = 1;
  const toWorker = (sessionId: string, method: string, timeoutMs: number) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      setTimeout(() => {
        if (pending.delete(id)) resolve(undefined);
      }, timeoutMs);
      session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(() => resolve(undefined));
    });

  return {
    async sample(frame) {
      const started = performance.now();
      await session.send('HeapProfiler.collectGarbage');
      const pageHeap = (await session.send('Runtime.getHeapUsage')) as HeapUsage;
      let workerJs = 0;
      let measured = 0;
      let skipped = 0;
      for (const sessionId of [...workers.keys()]) {
        await toWorker(sessionId, 'HeapProfiler.collectGarbage', 1000);
        const usage = (await toWorker(sessionId, 'Runtime.getHeapUsage', 1000)) as HeapUsage | undefined;
        if (usage) {
          workerJs += usage.usedSize;
          measured++;
        } else skipped++;
      }
      const wasm = await page.evaluate(() => window.sys.wasm());
      const jsBytes = pageHeap.usedSize + workerJs;
      const wasmBytes = wasm.pageWasm + wasm.workerWasm;
      return {
        frame,
        pageJs: pageHeap.usedSize,
        workerJs,
        jsBytes,
        workers: measured,
        workersSkipped: skipped,
        pageWasm: wasm.pageWasm,
        workerWasm: wasm.workerWasm,
        wasmBytes,
        totalBytes: jsBytes + wasmBytes,
        ms: performance.now() - started,
      };
    },
    close: () => session.detach(),
  };
}

/**
 * Runs `frames` clip frames back to back in segments ending at each of `sampleAt`, sampling memory
 * after each segment; returns the run with throughput and latency over all frames.
 */
export async function clipRun(page: Page, frames: number, sampleAt: readonly number[], log: (m: string) => void, label: string) {
  const probe = await memoryProbe(page);
  try {
    const stops = [...new Set([...sampleAt.filter((f) => f > 0 && f < frames), frames])].sort((a, b) => a - b);
    const samples: MemorySample[] = [];
    const times: number[] = [];
    const firstPassFaces: number[] = [];
    let detectMs = 0;
    let done = 0;
    for (const stop of stops) {
      const segment = await page.evaluate(([from, count]) => window.sys.clipSegment(from, count), [done, stop - done] as const);
      done = stop;
      detectMs += segment.detectMs;
      times.push(...segment.times);
      firstPassFaces.push(...segment.firstPassFaces);
      if (sampleAt.includes(stop)) {
        const s = await probe.sample(stop);
        samples.push(s);
        log(`${label}: ${stop}/${frames} frames, ${(stop / (detectMs / 1000)).toFixed(1)} frames/s, JS ${(s.jsBytes / 2 ** 20).toFixed(2)} MiB, wasm ${(s.wasmBytes / 2 ** 20).toFixed(2)} MiB`);
      }
    }
    times.sort((a, b) => a - b);
    return { frames, detectMs, fps: frames / (detectMs / 1000), firstPassFaces, p50: quantile(times, 0.5), p95: quantile(times, 0.95), samples };
  } finally {
    await probe.close();
  }
}
