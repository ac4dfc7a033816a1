/**
 * Memory of a bench page and its workers, sampled from Node between segments of a run:
 * - JS heap: CDP `HeapProfiler.collectGarbage` then `Runtime.getHeapUsage` (`usedSize`) on the page, on
 *   each worker attached to it and on their own workers (EmoLens: its pipeline worker and the classifier
 *   worker that one starts; the peers: tfjs's wasm thread workers, which answer only when idle — those that
 *   don't within 1 s are counted as skipped). onnxruntime's wasm threads (`em-pthread…`) are not measured:
 *   they wait in `Atomics.wait` and hold no per-frame state.
 * - wasm: the live `WebAssembly.Memory` sizes the page's hook reports (`page/wasm-memory.ts`), in the page
 *   and in EmoLens's workers.
 *
 * `performance.measureUserAgentSpecificMemory()` was tried first: it leaves wasm memory out, and with
 * wasm threads waiting in `Atomics.wait` it took ~60 s per call even with `ForceEagerMeasureMemory`.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { MemorySample } from './page/api.ts';
import { quantile } from './stats.ts';

/** Workers of workers are measured (EmoLens's inference worker); deeper ones are not. */
const MAX_WORKER_DEPTH = 2;

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/** EmoLens's workers that report wasm memory: the pipeline worker and the inference worker (onnxruntime). */
export const EMOLENS_WASM_SCOPES = ['emolens-worker', 'emolens-inference'] as const;

export interface MemoryProbe {
  sample(frame: number): Promise<MemorySample>;
  close(): Promise<void>;
}

/**
 * @param wasmScopes - workers that must answer the wasm query (a sample throws otherwise: a memory figure
 *   without them would silently leave their wasm out)
 */
export async function memoryProbe(page: Page, wasmScopes: readonly string[] = []): Promise<MemoryProbe> {
  const session: CDPSession = await page.context().newCDPSession(page);
  /** Worker route (session ids from the page's session down, e.g. the inference worker of the pipeline worker) by key. */
  const workers = new Map<string, { route: string[]; url: string }>();
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  /** Sends a raw CDP message down a route: each level wraps it in `Target.sendMessageToTarget`. */
  const sendDown = (route: readonly string[], message: object): void => {
    let text = JSON.stringify(message);
    for (let level = route.length - 1; level >= 1; level--) {
      text = JSON.stringify({ id: nextId++, method: 'Target.sendMessageToTarget', params: { sessionId: route[level], message: text } });
    }
    session.send('Target.sendMessageToTarget', { sessionId: route[0]!, message: text }).catch(() => undefined);
  };
  const attached = (route: string[], info: { type: string; url: string; title?: string }) => {
    if (info.type !== 'worker' || route.length > MAX_WORKER_DEPTH) return;
    // onnxruntime's wasm threads sit in Atomics.wait and never answer: not measured (no per-frame state).
    if (info.title?.startsWith('em-pthread')) return;
    workers.set(route.join('/'), { route, url: info.url });
    // Children of this worker (EmoLens: the inference worker of the pipeline worker).
    sendDown(route, { id: nextId++, method: 'Target.setAutoAttach', params: { autoAttach: true, waitForDebuggerOnStart: false, flatten: false } });
  };
  /** A message that came up `route`: a reply, or an event, possibly from a deeper worker. */
  const received = (route: string[], text: string) => {
    const message = JSON.parse(text) as { id?: number; result?: unknown; error?: unknown; method?: string; params?: Record<string, unknown> };
    if (message.method === 'Target.receivedMessageFromTarget') {
      received([...route, message.params!['sessionId'] as string], message.params!['message'] as string);
    } else if (message.method === 'Target.attachedToTarget') {
      attached([...route, message.params!['sessionId'] as string], message.params!['targetInfo'] as { type: string; url: string; title?: string });
    } else if (message.method === 'Target.detachedFromTarget') {
      workers.delete([...route, message.params!['sessionId'] as string].join('/'));
    } else if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)!(message.error ? undefined : message.result);
      pending.delete(message.id);
    }
  };
  session.on('Target.attachedToTarget', (e) => attached([e.sessionId], e.targetInfo));
  session.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  session.on('Target.receivedMessageFromTarget', (e) => received([e.sessionId], e.message));
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const toWorker = (route: readonly string[], method: string, timeoutMs: number) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      setTimeout(() => {
        if (pending.delete(id)) resolve(undefined);
      }, timeoutMs);
      sendDown(route, { id, method });
    });

  return {
    async sample(frame) {
      const started = performance.now();
      await session.send('HeapProfiler.collectGarbage');
      const pageHeap = (await session.send('Runtime.getHeapUsage')) as HeapUsage;
      let workerJs = 0;
      let measured = 0;
      let skipped = 0;
      for (const { route } of [...workers.values()]) {
        await toWorker(route, 'HeapProfiler.collectGarbage', 1000);
        const usage = (await toWorker(route, 'Runtime.getHeapUsage', 1000)) as HeapUsage | undefined;
        if (usage) {
          workerJs += usage.usedSize;
          measured++;
        } else skipped++;
      }
      const wasm = await page.evaluate(() => window.sys.wasm());
      const missing = wasmScopes.filter((scope) => !wasm.workerScopes.includes(scope));
      if (missing.length > 0) throw new Error(`memory: no wasm answer from ${missing.join(', ')} (answered: ${wasm.workerScopes.join(', ') || 'none'})`);
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
export async function clipRun(page: Page, frames: number, sampleAt: readonly number[], log: (m: string) => void, label: string, wasmScopes: readonly string[] = []) {
  const probe = await memoryProbe(page, wasmScopes);
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
