/**
 * A live stream: frames of a playing video or camera (`frame-feed.ts`) analysed in order, newest first (see
 * `newest-frame.ts`), each result handed to `onResult` with the stream's figures. The stream owns nothing but its
 * loop: the frames go to the pipeline worker through a {@link StreamPort}, under one stream id whose state (face
 * ids, smoothing) the worker keeps.
 */
import { EmoLensError, isEmoLensError, type WiaFaceResult } from '@emolens/schema';
import { abortError } from '../call-stop.js';
import { callApp, reportToPage } from '../app-callback.js';
import type { ResolvedStreamOptions } from '../options.js';
import { openFrameFeed, type FrameFeed } from './frame-feed.js';
import { NewestFrame } from './newest-frame.js';
import { StreamStatsWindow, type StreamStats } from './stream-stats.js';
import { TrackEnded } from './track-frames.js';

/** One result of a live stream. */
export interface StreamFrameResult {
  /** The frame's faces, with stable `face_id`s and smoothed values (`raw` holds the frame's own). */
  result: WiaFaceResult;
  /** When the frame was captured, in ms since the stream started. */
  timestamp_ms: number;
  /**
   * The frame's media time in ms: a file's own timestamp; for a camera, the frame's capture time since the stream's
   * first frame (or the playing element's clock where frames are read from a `<video>`).
   */
  media_time_ms: number;
  /** From capture to this result, in ms. */
  latency_ms: number;
  /** The stream's figures after this result. */
  stats: StreamStats;
}

/** Why a stream ended, with its final figures. */
export interface StreamEnd {
  /** `stopped` (stop()), `aborted` (its signal), `ended` (the source ended) or `error` (a fatal error). */
  reason: 'stopped' | 'aborted' | 'ended' | 'error';
  /** The fatal error, when `reason` is `error`. */
  error?: EmoLensError;
  stats: StreamStats;
}

/** A running live stream (see {@link Detector.stream}). */
export interface LiveStream {
  /** Settles once the stream has ended and the worker holds nothing of it. Never rejects. */
  readonly done: Promise<StreamEnd>;
  /** Ends the stream: no result is delivered after this; resolves like `done`. */
  stop(): Promise<StreamEnd>;
  /** The stream's figures now. */
  stats(): StreamStats;
}

/** What a stream needs from the detector: its worker, seen through one stream id. */
export interface StreamPort {
  open(): Promise<number>;
  /** Analyses `bitmap` (transferred) as a frame of stream `id` at `timestampMs`; `signal` gives up waiting. */
  analyze(bitmap: ImageBitmap, id: number, timestampMs: number, signal: AbortSignal): FrameAnalysis;
  close(id: number): Promise<void>;
}

/** One frame on its way through the worker. */
export interface FrameAnalysis {
  /** The frame's result, or the error it ends with: its deadline (`TIMEOUT`) or the stop signal's included. */
  outcome: Promise<WiaFaceResult>;
  /** Settles once the worker is done with the frame, which may be after `outcome` gave up on it. Never rejects. */
  settled: Promise<void>;
}

/**
 * Errors after which no further frame can succeed: the detector disposed, its worker crashed, or a source whose
 * pixels the page may not read (a `<video>` from another origin without CORS: every frame would fail alike, and an
 * app without `onError` would wait for results for ever).
 */
function isFatal(error: EmoLensError): boolean {
  return (
    error.code === 'DISPOSED' ||
    (error.code === 'INTERNAL_ERROR' && error.details.kind === 'worker_crashed') ||
    (error.code === 'INVALID_IMAGE' && error.details.kind === 'cross_origin')
  );
}

/** Starts a stream over `source` (see the module comment). */
export function startLiveStream(source: unknown, port: StreamPort, handlers: ResolvedStreamOptions['handlers']): LiveStream {
  const stopper = new AbortController();
  const scheduler = new NewestFrame();
  const window = new StreamStatsWindow();
  let finish!: (end: StreamEnd) => void;
  const done = new Promise<StreamEnd>((resolve) => (finish = resolve));
  let ending: Promise<StreamEnd> | undefined;
  let feed: FrameFeed | undefined;
  let streamId: number | undefined;
  let unwatch = () => {};
  let offEnd = () => {};
  let offAbort = () => {};
  const inFlight = new Set<Promise<unknown>>();
  let started = 0;
  let lastTick = { presentedFrames: 0, mediaTimeMs: 0 };

  const stats = () => window.read(performance.now(), scheduler.skippedFrames);

  const end = (reason: StreamEnd['reason'], error?: EmoLensError): Promise<StreamEnd> => {
    ending ??= (async () => {
      stopper.abort(abortError());
      unwatch();
      offEnd();
      offAbort();
      await Promise.all([...inFlight].map((p) => p.catch(() => undefined)));
      if (streamId !== undefined) await port.close(streamId).catch(() => undefined);
      feed?.release();
      const result: StreamEnd = { reason, stats: stats(), ...(error ? { error } : {}) };
      finish(result);
      return result;
    })();
    return ending;
  };

  /** Codes already reported to the page for a stream without `onError`. */
  const unhandledCodes = new Set<string>();
  const report = (error: unknown) => {
    // The source ran out of frames: its end handler ends the stream; this frame is no error of the caller's.
    if (error instanceof TrackEnded) return;
    const typed = typedError(error);
    if (stopper.signal.aborted) return;
    if (isFatal(typed)) void end('error', typed);
    else if (handlers.onError) callApp(handlers.onError, typed);
    else if (!unhandledCodes.has(typed.code)) {
      // Without onError, a stream whose every frame fails (a timeoutMs too short) would yield nothing, silently: the
      // first error of each code goes to the page (reportError: the console, the `error` event), the rest are dropped.
      unhandledCodes.add(typed.code);
      reportToPage(typed);
    }
  };

  const take = () => {
    const captured = performance.now();
    const tick = lastTick;
    const flight: Promise<unknown> = (async () => {
      const bitmap = await feed!.capture();
      if (stopper.signal.aborted) {
        bitmap.close();
        return;
      }
      const { outcome, settled } = port.analyze(bitmap, streamId!, captured - started, stopper.signal);
      await outcome.then((result) => {
        if (stopper.signal.aborted) return;
        const now = performance.now();
        window.add(now, now - captured);
        if (handlers.onResult) callApp(handlers.onResult, { result, timestamp_ms: round(captured - started), media_time_ms: round(tick.mediaTimeMs), latency_ms: round(now - captured), stats: stats() });
      }, report);
      // A frame past its deadline is reported at once, but its flight lands only when the worker is done with it:
      // frames taken as fast as deadlines pass would pile up in the worker, each holding its bitmap.
      await settled;
    })()
      .catch(report)
      .finally(() => {
        inFlight.delete(flight);
        if (stopper.signal.aborted) return;
        if (feed!.exhausted()) void end('ended');
        else if (scheduler.landed()) take();
      });
    inFlight.add(flight);
  };

  const run = async () => {
    const external = handlers.signal;
    if (external?.aborted) return end('aborted');
    // Removed when the stream ends: a long-lived signal must not keep every ended stream alive.
    const onAbort = () => void end('aborted');
    external?.addEventListener('abort', onAbort, { once: true });
    offAbort = () => external?.removeEventListener('abort', onAbort);
    try {
      feed = await openFrameFeed(source, stopper.signal);
      if (stopper.signal.aborted) return feed.release();
      streamId = await port.open();
    } catch (error) {
      // A source that never plays or a worker that cannot open the stream: the stream ends with that error.
      if (!stopper.signal.aborted) void end('error', typedError(error));
      return;
    }
    if (stopper.signal.aborted) return;
    started = performance.now();
    offEnd = feed.onEnd(() => void end('ended'));
    unwatch = feed.watch((tick) => {
      lastTick = tick;
      if (scheduler.presented(tick)) take();
    });
  };
  void run();

  return { done, stop: () => end('stopped'), stats };
}

function typedError(error: unknown): EmoLensError {
  return isEmoLensError(error) ? error : new EmoLensError('INTERNAL_ERROR', 'A stream frame failed', { kind: 'unexpected', reason: String(error) });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
