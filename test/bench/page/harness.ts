/**
 * `window.sys`: the side-by-side measurements, the same for every system. A system is a {@link Runner}:
 * set up, then `detect(frame)` → number of faces. Times are wall clock in the page around
 * `await runner.detect(frame)`, so EmoLens's include the round trip to its worker.
 */
import type { FrameSet, PeerBackend, SystemBench, SystemId, SystemSample } from './api.ts';
import { makeClip } from './clip.ts';
import { fetchBitmap, gridPhotos, quadFaceFrame, singleFaceFrame } from './frames.ts';
import { queryWorkersWasm, wasmBytes } from './wasm-memory.ts';

export interface Runner {
  system: SystemId;
  backend: string;
  threads: number | null;
  version: string;
  /** Faces found in the frame (each with its emotion classified). */
  detect(frame: ImageBitmap): Promise<number>;
  dispose(): Promise<void>;
}

export type RunnerFactory = (backend: PeerBackend) => Promise<Runner>;

export function installHarness(system: SystemId, factory: RunnerFactory): void {
  let runner: Runner | undefined;
  const frames: Record<FrameSet, ImageBitmap[]> = { single: [], quad: [] };
  let clip: ImageBitmap[] = [];
  const need = (): Runner => {
    if (!runner) throw new Error('call sys.init() first');
    return runner;
  };

  const sys: SystemBench = {
    async init(backend, frameUrl) {
      const photo = await fetchBitmap(frameUrl);
      const frame = singleFaceFrame(photo);
      photo.close();
      const started = performance.now();
      runner = await factory(backend);
      const created = performance.now();
      const faces = await runner.detect(frame);
      const done = performance.now();
      frame.close();
      return {
        system,
        sinceNavigationMs: started,
        createMs: created - started,
        firstDetectMs: done - created,
        totalMs: done - started,
        backend: runner.backend,
        threads: runner.threads,
        faces,
        version: runner.version,
      };
    },

    async makeFrames(urls, grids) {
      const photos = await Promise.all(urls.map(fetchBitmap));
      frames.single = photos.map(singleFaceFrame);
      frames.quad = Array.from({ length: grids }, (_, g) => quadFaceFrame(gridPhotos(photos, g)));
      for (const photo of photos) photo.close();
      return { single: frames.single.length, quad: frames.quad.length };
    },

    async makeClip(urls, length) {
      const photos = await Promise.all(urls.map(fetchBitmap));
      clip = makeClip(photos, length);
      for (const photo of photos) photo.close();
      return clip.length;
    },

    async latency(set, warmup, calls, maxMs) {
      const r = need();
      const list = frames[set];
      if (list.length === 0) throw new Error(`no ${set} frames: call sys.makeFrames() first`);
      for (let i = 0; i < warmup; i++) await r.detect(list[i % list.length]!);
      const samples: SystemSample[] = [];
      const started = performance.now();
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        const faces = await r.detect(list[i % list.length]!);
        samples.push({ ms: performance.now() - t, faces });
        if (performance.now() - started > maxMs && samples.length >= Math.min(calls, list.length)) break;
      }
      return samples;
    },

    async facesPerFrame(set) {
      const r = need();
      const out: number[] = [];
      for (const frame of frames[set]) out.push(await r.detect(frame));
      return out;
    },

    async facesPerImage(urls) {
      const r = need();
      const out: number[] = [];
      for (const url of urls) {
        const bitmap = await fetchBitmap(url);
        out.push(await r.detect(bitmap));
        bitmap.close();
      }
      return out;
    },

    async clipSegment(from, count) {
      const r = need();
      if (clip.length === 0) throw new Error('no clip: call sys.makeClip() first');
      const times: number[] = [];
      const firstPassFaces: number[] = [];
      let detectMs = 0;
      for (let i = from; i < from + count; i++) {
        const t = performance.now();
        const faces = await r.detect(clip[i % clip.length]!);
        const ms = performance.now() - t;
        detectMs += ms;
        times.push(ms);
        if (i < clip.length) firstPassFaces.push(faces);
      }
      return { detectMs, times, firstPassFaces };
    },

    async wasm() {
      const workers = await queryWorkersWasm();
      return { pageWasm: wasmBytes(), workerWasm: Object.values(workers).reduce((s, b) => s + b, 0), workerScopes: Object.keys(workers) };
    },

    async dispose() {
      await runner?.dispose();
      runner = undefined;
      for (const bitmap of [...frames.single, ...frames.quad, ...clip]) bitmap.close();
      frames.single = [];
      frames.quad = [];
      clip = [];
    },
  };
  window.sys = sys;
}
