/**
 * The contract between the bench page (runs in Chromium) and the Node driver (`run.ts`, through
 * `page.evaluate`). Types only: both sides import it.
 */
import type * as core from '@emolens/core';

/** Which frame set a latency run uses. */
export type FrameSet = 'single' | 'quad';

/** One timed `detector.profile()` call, in milliseconds, plus the faces it found. */
export interface CallSample {
  landmarks: number;
  crop: number;
  classify: number;
  format: number;
  total: number;
  decode: number;
  endToEnd: number;
  faces: number;
}

/** One `asset` progress event. */
export interface AssetEvent {
  asset: string;
  bytes: number;
  source: 'network' | 'cache';
}

/** `createDetector()` → first `detect()` result, on one frame. */
export interface ColdStart {
  /** `performance.now()` when the measurement began: time since the navigation started. */
  sinceNavigationMs: number;
  createMs: number;
  firstDetectMs: number;
  totalMs: number;
  /** Elapsed time the `ready` progress event reported. */
  readyElapsedMs: number | null;
  backend: string;
  classifier: string;
  threads: number;
  faces: number;
  assets: AssetEvent[];
  downloadEvents: number;
  compiled: string[];
  /** Milestones in ms since the start: `asset:<id>`, `compile:<model>`, `ready`, `created`, `result`. */
  timeline: Record<string, number>;
}

/** Faces found in one image. */
export interface ImageFaces {
  url: string;
  width: number;
  height: number;
  faces: number;
}

/** An image of the dense-image bench: a photo, or a grid of portraits drawn in the page. */
export type DenseImage = { name: string; faces: number } & ({ url: string } | { grid: { urls: string[]; cols: number; rows: number; cell: number } });

/** Faces found in a dense image (`found`: for a grid, cells with exactly one face), and each call's timings. */
export interface DenseResult {
  name: string;
  width: number;
  height: number;
  faces: number;
  found: number;
  tiles: number;
  samples: { total: number; landmarks: number; tilesMs: number }[];
}

/** What the bench page exposes as `window.bench`. */
export interface BenchApi {
  /** Starts the detector (wasm, 1 thread) and runs one frame made from `frameUrl`; keeps the detector. */
  coldStart(frameUrl: string): Promise<ColdStart>;
  /** Builds the 1-face frames (one per URL) and `grids` 2×2 four-face frames; returns the counts. */
  makeFrames(urls: string[], grids: number): Promise<{ single: number; quad: number }>;
  /** `warmup` untimed calls, then at least `minCalls` timed calls cycling over the frame set. */
  latency(set: FrameSet, warmup: number, minCalls: number): Promise<CallSample[]>;
  /** `detect(blob)` on each image at its original size. */
  facesPerImage(urls: string[]): Promise<ImageFaces[]>;
  /** Each image `calls` times with `maxFaces: 100` (after one untimed call), with the faces found and the timings. */
  dense(images: DenseImage[], calls: number): Promise<DenseResult[]>;
  /** Disposes the detector and closes the frames. */
  dispose(): void;
}

declare global {
  interface Window {
    bench: BenchApi;
    emolens: typeof core;
  }
}

// ---------------------------------------------------------------------------------------------------
// The side-by-side bench: the same interface on the EmoLens page (`index.html`, detector in its worker)
// and on the peers' pages (`human.html`, `faceapi.html`, main thread), as `window.sys`.

export type SystemId = 'emolens' | 'human' | 'faceapi';
/** tfjs backends the peers are tried on. */
export type PeerBackend = 'wasm' | 'webgl' | 'cpu';

/** Set up → first result on one 1-face frame. */
export interface SystemColdStart {
  system: SystemId;
  /** `performance.now()` at the start: time since the navigation started. */
  sinceNavigationMs: number;
  /** Backend set up and models loaded (`createDetector()`; `human.load()`; `nets.*.loadFromUri()`). */
  createMs: number;
  firstDetectMs: number;
  totalMs: number;
  backend: string;
  /** WASM threads where known (tfjs wasm: its thread pool; EmoLens: the classifier's). */
  threads: number | null;
  faces: number;
  /** Library versions, for the report. */
  version: string;
}

/** Memory of the page and its workers at one point of a run (bytes; `test/bench/memory.ts`). */
export interface MemorySample {
  /** Frames processed before the sample. */
  frame: number;
  /** JS heap used after a full GC (CDP `Runtime.getHeapUsage`): the page, its workers, and both. */
  pageJs: number;
  workerJs: number;
  jsBytes: number;
  /** Workers measured / that did not answer in time (wasm threads blocked in `Atomics.wait`). */
  workers: number;
  workersSkipped: number;
  /** Live `WebAssembly.Memory` sizes (`page/wasm-memory.ts`): the page's, the pipeline worker's, both. */
  pageWasm: number;
  workerWasm: number;
  wasmBytes: number;
  totalBytes: number;
  /** How long the sample took. */
  ms: number;
}

/** Frames of the clip run back to back, memory sampled between segments. */
export interface ClipRun {
  frames: number;
  /** Wall time of the detect calls (memory samples excluded). */
  detectMs: number;
  fps: number;
  /** Faces found on each of the first `clipLength` frames (one pass over the clip). */
  firstPassFaces: number[];
  /** Per-call latency over the whole run. */
  p50: number;
  p95: number;
  samples: MemorySample[];
}

/** Frames `from`…`from + count − 1` of the clip (cycled), back to back. */
export interface ClipSegment {
  detectMs: number;
  /** Per-call latency. */
  times: number[];
  /** Faces per frame, for the frames of the first pass over the clip. */
  firstPassFaces: number[];
}

/** End-to-end latency of one call (ms), wall clock in the page around `await detect(frame)`. */
export interface SystemSample {
  ms: number;
  faces: number;
}

export interface SystemBench {
  init(backend: PeerBackend | 'wasm', frameUrl: string): Promise<SystemColdStart>;
  makeFrames(urls: string[], grids: number): Promise<{ single: number; quad: number }>;
  /** Builds the deterministic clip (see `clip.ts`) from the given photos. */
  makeClip(urls: string[], length: number): Promise<number>;
  /** `warmup` untimed calls, then `calls` timed ones cycling over the set; stops early after `maxMs`. */
  latency(set: FrameSet, warmup: number, calls: number, maxMs: number): Promise<SystemSample[]>;
  /** Faces found on each frame of the set, one pass. */
  facesPerFrame(set: FrameSet): Promise<number[]>;
  /** Faces found on each image, at its original size (an ImageBitmap of it). */
  facesPerImage(urls: string[]): Promise<number[]>;
  clipSegment(from: number, count: number): Promise<ClipSegment>;
  /** Wasm memory of the page and of the workers that answer (`wasm-memory.ts`). */
  /** Wasm memory of the page and of the workers that answered (`workerScopes`: their names). */
  wasm(): Promise<{ pageWasm: number; workerWasm: number; workerScopes: string[] }>;
  dispose(): Promise<void>;
}

declare global {
  interface Window {
    sys: SystemBench;
  }
}

// ---------------------------------------------------------------------------------------------------
// The live bench (`pnpm bench --live`, `live.ts`): each system on a live 30 fps source made in the page
// (`live/canvas-source.ts`), as `window.live` on the same three pages.

/** What the live source shows: one photo moving (`clip.ts`), or three photos side by side. */
export type LiveScene = 'one-face' | 'three-faces';

/** One live run: a scene drawn at `fps`, `warmupMs` untimed, then `durationMs` measured. */
export interface LivePlan {
  scene: LiveScene;
  /** The wild photos the scene is drawn from (three). */
  urls: string[];
  fps: number;
  /** Frames of the scene's loop, made before the run (it repeats). */
  loopFrames: number;
  warmupMs: number;
  durationMs: number;
}

/** One result of a live run. */
export interface LiveSample {
  /** When the result arrived, ms after the measured window opened. */
  atMs: number;
  /** Frame grabbed → result, ms (EmoLens: the SDK's `latency_ms`, capture → result; a peer: its call). */
  latencyMs: number;
  faces: number;
  /** Width of the narrowest face box in source pixels (null without a face): shows the faces are as large as planned. */
  minFaceWidth: number | null;
}

/** Main-thread long tasks (`PerformanceObserver`, `longtask`) that started in the measured window. */
export interface LongTasks {
  count: number;
  longestMs: number;
  totalMs: number;
}

/** The measured window of one live run, as the page saw it. */
export interface LiveRun {
  scene: LiveScene;
  /** Length of the measured window, ms. */
  windowMs: number;
  /** Results that arrived in the window. */
  samples: LiveSample[];
  /** Frames the page drew on the source canvas in the window (the source's own rate). */
  drawnFrames: number;
  /** Frames the system's video presented but it never analysed, in the window. */
  skippedFrames: number;
  longTasks: LongTasks;
  /** Per-frame errors that did not end the run (EmoLens `onError`; a peer's call that threw). */
  errors: number;
  firstError?: string;
  /** EmoLens: the stream's own figures (2 s window) when it stopped, and why it ended. */
  sdk?: { reason: string; resultsPerSecond: number; latencyP50Ms: number; latencyP95Ms: number; results: number; skippedFrames: number };
}

/** A system as set up for the live runs. */
export interface LiveSystemInfo {
  system: SystemId;
  backend: string;
  threads: number | null;
  version: string;
  /** The call each result comes from, as a user writes it. */
  call: string;
}

export interface LiveBench {
  /** Sets the system up on `backend` and makes one untimed call on a 1-face frame made from `frameUrl`. */
  init(backend: PeerBackend | 'wasm', frameUrl: string): Promise<LiveSystemInfo>;
  run(plan: LivePlan): Promise<LiveRun>;
  dispose(): Promise<void>;
}

declare global {
  interface Window {
    live: LiveBench;
  }
}
