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
}

/** Faces found in one image. */
export interface ImageFaces {
  url: string;
  width: number;
  height: number;
  faces: number;
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
  /** Disposes the detector and closes the frames. */
  dispose(): void;
}

declare global {
  interface Window {
    bench: BenchApi;
    emolens: typeof core;
  }
}
