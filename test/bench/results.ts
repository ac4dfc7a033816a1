/** Shapes of `test/bench/results/*.json` (`latest.json` first). All times in milliseconds, sizes in bytes. */
import type { EmittedFile } from './build-page.ts';
import type { ClipRun, ColdStart, ImageFaces, LiveRun, LiveScene, LiveSystemInfo, LongTasks, MemorySample, PeerBackend, SystemColdStart, SystemId } from './page/api.ts';
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
  /** EmoLens next to Human and face-api (absent with `--no-peers`). */
  sideBySide?: SideBySide;
  pageLogs: string[];
  totalMs: number;
}

// --- side by side (issue 5) -------------------------------------------------------------------------

/** One visit of a system's page: cold start and what the server sent. */
export interface SystemVisit {
  /** `page.goto` → page ready. */
  navigationMs: number;
  coldStart: SystemColdStart;
  /** Navigation start → first result (`coldStart.sinceNavigationMs + coldStart.totalMs`). */
  toFirstResultMs: number;
  requests: number;
  /** App bytes sent (everything but `/data/`). */
  appBytes: number;
  byPath: Record<string, PathCounter>;
}

export interface Recall {
  present: number;
  /** Σ min(found, present) per frame. */
  found: number;
  /** Σ max(0, found − present): faces beyond those present (false positives, at least). */
  extra: number;
  recall: number;
}

export interface BackendTrial {
  backend: PeerBackend;
  /** p50 end-to-end, 1-face frames, ms (null if the backend failed). */
  p50: number | null;
  calls: number;
  initMs: number | null;
  error?: string;
}

export interface SystemResult {
  system: SystemId;
  version: string;
  backend: string;
  threads: number | null;
  where: 'worker' | 'main thread';
  first: SystemVisit;
  cached: SystemVisit;
  latency: { single: Summary & { faces: number }; quad: Summary & { faces: number } };
  recall: { single: Recall; quad: Recall; clip: Recall; group: Recall; all: Recall };
  clip: Omit<ClipRun, 'firstPassFaces'>;
  /** Memory growth between the sample at frame 500 and the last one (bytes). */
  growth: { from: number; to: number; jsBytes: number; wasmBytes: number; totalBytes: number };
}

export interface SideBySide {
  clipLength: number;
  memoryFramesPlanned: Record<SystemId, number>;
  backendTrials: Partial<Record<SystemId, BackendTrial[]>>;
  systems: SystemResult[];
  /** 1-face latency with the systems interleaved round by round (`interleaved.ts`). */
  interleaved: InterleavedLatency;
}

/** 1-face latency measured in interleaved rounds (all pages open, one block per system per round, order rotated). */
export interface InterleavedLatency {
  rounds: { order: SystemId[]; p50: Partial<Record<SystemId, number>>; fasterPeerOverEmoLens: number }[];
  callsPerBlock: number;
  /** All calls of all rounds, per system (ms). */
  perSystem: Partial<Record<SystemId, Summary>>;
  /** Faster peer's p50 / EmoLens' p50: over all calls pooled, and the median, minimum and maximum of the rounds. */
  fasterPeerOverEmoLens: { pooled: number; medianOfRounds: number; minOfRounds: number; maxOfRounds: number };
}

export interface SoakResults {
  date: string;
  machine: BenchResults['machine'];
  frames: number;
  thresholdBytes: number;
  /** Sample the growth is measured from (frame count). */
  from: number;
  samples: MemorySample[];
  growthBytes: number;
  fps: number;
  p50: number;
  p95: number;
  passed: boolean;
}

// --- live (issue 16) --------------------------------------------------------------------------------

/** One system on one scene of `pnpm bench --live` (`live.ts`), over the measured window. */
export interface LiveSceneResult {
  scene: LiveScene;
  windowMs: number;
  results: number;
  resultsPerSecond: number;
  /** Frame grabbed → result (EmoLens: capture → result, the SDK's `latency_ms`). */
  latency: Summary;
  /** Σ latency ÷ window: the share of the time a frame was in flight (1 = never idle, waiting for a frame). */
  busy: number;
  /**
   * 1000 ÷ mean latency: the results per second one frame in flight at a time would give if a new frame were always
   * waiting — what a source faster than the scene's could get.
   */
  capacityPerSecond: number;
  facesMean: number;
  /** Number of results by faces found. */
  facesHistogram: Record<string, number>;
  /** Median over the results of the narrowest face's box width (px); null if no face was found. */
  minFaceWidthP50: number | null;
  /** Frames the page drew on the source canvas per second (30 unless the page was too busy to draw). */
  sourceFps: number;
  /** Frames the video presented that the system never analysed. */
  skippedFrames: number;
  longTasks: LongTasks;
  errors: number;
  firstError?: string;
  /** EmoLens: the stream's own figures when it stopped (its 2 s window) and why it ended. */
  sdk?: LiveRun['sdk'];
}

export interface LiveSystemResult extends LiveSystemInfo {
  /** Where the backend came from: `--peer-backend`, the last full bench (`results/latest.json`), a trial now, or EmoLens's own. */
  backendFrom: 'flag' | 'latest.json' | 'trial' | 'emolens';
  scenes: LiveSceneResult[];
}

/** EmoLens over the faster peer on one scene. */
export interface LiveRatio {
  scene: LiveScene;
  fasterPeer: SystemId;
  /** EmoLens results/s ÷ the faster peer's. */
  resultsPerSecond: number;
  /** EmoLens capacity/s ÷ the faster peer's (the ratio with a source fast enough for both). */
  capacityPerSecond: number;
}

/** Shape of `test/bench/results/live.json`. */
export interface LiveResults {
  date: string;
  quick: boolean;
  machine: BenchResults['machine'];
  source: { width: number; height: number; fps: number; loopFrames: number; photos: string[] };
  warmupMs: number;
  durationMs: number;
  systems: LiveSystemResult[];
  ratios: LiveRatio[];
  pageLogs: string[];
}
