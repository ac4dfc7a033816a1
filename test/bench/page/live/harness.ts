/**
 * `window.live`: the live runs, the same for every system. A system is a {@link LiveRunner}: set up, then started
 * on a live `MediaStream`, it reports each result until stopped. The harness owns the source, the warm-up and the
 * measured window; what happens between a frame and its result is the system's own way of handling video.
 */
import type { LiveBench, LiveRun, LiveSystemInfo, PeerBackend, SystemId } from '../api.ts';
import { fetchBitmap, singleFaceFrame } from '../frames.ts';
import { startCanvasSource } from './canvas-source.ts';
import { watchLongTasks } from './long-tasks.ts';
import { sceneFrames } from './scenes.ts';

/** One result as a runner reports it. */
export interface LiveResult {
  /** `performance.now()` when the result arrived. */
  at: number;
  /** Frame grabbed → result, ms. */
  latencyMs: number;
  /** Widths of the faces' boxes, source pixels. */
  faceWidths: number[];
}

/** A started runner. */
export interface LiveSession {
  /** Frames the source presented that the system never analysed, so far. */
  skippedFrames(): number;
  /** Ends the loop once no call is in flight; EmoLens returns its stream's end. Throws if the run ended in error. */
  stop(): Promise<LiveRun['sdk']>;
}

export interface LiveRunner {
  info: LiveSystemInfo;
  /** One untimed call on a still image, so that first-call set-up (compilation, kernels) is out of the warm-up. */
  warm(image: HTMLCanvasElement): Promise<void>;
  start(stream: MediaStream, onResult: (result: LiveResult) => void, onError: (error: unknown) => void): Promise<LiveSession>;
  dispose(): Promise<void>;
}

export type LiveRunnerFactory = (backend: PeerBackend | 'wasm') => Promise<LiveRunner>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function installLive(system: SystemId, factory: LiveRunnerFactory): void {
  let runner: LiveRunner | undefined;
  const need = (): LiveRunner => {
    if (!runner) throw new Error('call live.init() first');
    return runner;
  };

  const live: LiveBench = {
    async init(backend, frameUrl) {
      runner = await factory(backend);
      if (runner.info.system !== system) throw new Error(`the ${system} page set up ${runner.info.system}`);
      const photo = await fetchBitmap(frameUrl);
      const frame = singleFaceFrame(photo);
      photo.close();
      // A canvas, not the bitmap: every system takes canvases, and face-api takes no bitmaps.
      const canvas = document.createElement('canvas');
      canvas.width = frame.width;
      canvas.height = frame.height;
      canvas.getContext('2d')!.drawImage(frame, 0, 0);
      frame.close();
      await runner.warm(canvas);
      return runner.info;
    },

    async run(plan) {
      const r = need();
      const photos = await Promise.all(plan.urls.map(fetchBitmap));
      const frames = sceneFrames(plan.scene, photos, plan.loopFrames);
      for (const photo of photos) photo.close();
      const source = startCanvasSource(frames, plan.fps);
      const longTasks = watchLongTasks();
      const results: LiveResult[] = [];
      let errors = 0;
      let firstError: string | undefined;
      let session: LiveSession | undefined;
      let stopped = false;
      try {
        session = await r.start(source.stream, (x) => results.push(x), (error) => {
          errors++;
          firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        });
        await sleep(plan.warmupMs);
        const from = performance.now();
        const before = { skipped: session.skippedFrames(), drawn: source.drawn(), errors };
        await sleep(plan.durationMs);
        const to = performance.now();
        const after = { skipped: session.skippedFrames(), drawn: source.drawn(), errors };
        stopped = true;
        const sdk = await session.stop();
        const run: LiveRun = {
          scene: plan.scene,
          windowMs: to - from,
          samples: results
            .filter((x) => x.at >= from && x.at <= to)
            .map((x) => ({ atMs: x.at - from, latencyMs: x.latencyMs, faces: x.faceWidths.length, minFaceWidth: x.faceWidths.length ? Math.min(...x.faceWidths) : null })),
          drawnFrames: after.drawn - before.drawn,
          skippedFrames: after.skipped - before.skipped,
          longTasks: longTasks.between(from, to),
          errors: after.errors - before.errors,
          ...(firstError ? { firstError } : {}),
          ...(sdk ? { sdk } : {}),
        };
        return run;
      } finally {
        // A run that failed half-way still lets go of its loop before the source goes.
        if (session && !stopped) await session.stop().catch(() => undefined);
        longTasks.stop();
        source.stop();
        for (const frame of frames) frame.close();
      }
    },

    async dispose() {
      await runner?.dispose();
      runner = undefined;
    },
  };
  window.live = live;
}
