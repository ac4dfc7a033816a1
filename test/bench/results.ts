/** Shape of `test/bench/results/latest.json`. All times in milliseconds, sizes in bytes. */
import type { EmittedFile } from './build-page.ts';
import type { ColdStart, ImageFaces } from './page/api.ts';
import type { PathCounter } from './server.ts';
import type { Summary } from './stats.ts';

export const STAGES = ['landmarks', 'crop', 'classify', 'format', 'total', 'decode', 'endToEnd'] as const;
export type Stage = (typeof STAGES)[number];

export interface LatencyResult {
  frames: number;
  warmup: number;
  calls: number;
  stages: Record<Stage, Summary>;
  facesMean: number;
  /** Number of calls by faces found. */
  facesHistogram: Record<string, number>;
}

export interface VisitResult {
  /** `page.goto` → page ready (`window.bench` set). */
  navigationMs: number;
  coldStart: ColdStart;
  server: {
    requests: number;
    /** Everything the server sent during the visit. */
    bytes: number;
    /** The app (page, scripts, worker, wasm, models): everything but the bench's own images under `/data/`. */
    appBytes: number;
    byPath: Record<string, PathCounter>;
  };
}

export interface DownloadFile {
  path: string;
  requests: number;
  bytes: number;
  gzipBytes: number;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    totalMemGiB: number;
    platform: string;
    node: string;
    chromium: string;
    loadAvgStart: number[];
    loadAvgEnd: number[];
  };
  config: { backend: 'wasm'; threads: number; classifier: string; frameSize: string };
  build: { ms: number; files: EmittedFile[]; warnings: string[] };
  latency: { single: LatencyResult; quad: LatencyResult };
  coldStart: { first: VisitResult; second: VisitResult };
  /** First visit, app files only. */
  download: { files: DownloadFile[]; totalBytes: number; totalGzipBytes: number };
  detection: {
    photos: number;
    withFace: number;
    exactlyOne: number;
    noFace: string[];
    moreThanOne: string[];
  };
  groupPhotos: ImageFaces[];
  pageLogs: string[];
  totalMs: number;
}
