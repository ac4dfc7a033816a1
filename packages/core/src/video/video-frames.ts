/**
 * A video file's frames, decoded faster than real time: the container is demuxed by mediabunny and the frames are
 * decoded by the browser's WebCodecs `VideoDecoder`, never played. This module (with mediabunny) is meant to be
 * loaded with `import()` on the video path only, so that the SDK's main entry does not grow.
 *
 * Frames are pulled: the decoder runs ahead of the consumer only a bounded number of frames and then waits for it,
 * so a long video never sits in memory decoded. The bound is mediabunny's: until the decoder outputs its first frame
 * it may be given up to 40 packets (some decoders need many before they output one), so up to ~40 decoded frames
 * at the start of a pass; from then on at most 8 ahead. Frames outside the sample rate are closed as they come out.
 */
import type { VideoSample } from 'mediabunny';
import { isEmoLensError, type EmoLensError, isPlatform } from '@emolens/schema';
import { stopError, stoppable } from '../call-stop.js';
import type { DecodedVideoFrame, FrameSource } from './frame-source.js';
import { DamageHoldingSink, isDecodeError } from './damage-holding-sink.js';
import { checkWindow, frameIndexOf, isSelected, keyFrameAfter, selectedBetween, selectedSpan, selectFrames, windowDurationMs, type FrameSelection, type FrameTable, type FrameWindow } from './frame-table.js';
import { sampleBitmap } from './sample-bitmap.js';
import { framesTooLarge, invalidVideo, invalidVideoOption } from './video-errors.js';
import { videoBlob, type VideoInput } from './video-source.js';
import { openTrack, scanFrames, type OpenedTrack } from './video-track.js';

export type { VideoInput } from './video-source.js';
export type { VideoErrorKind } from './video-errors.js';
export type { DecodedVideoFrame, FrameSource } from './frame-source.js';

/** How {@link openVideoFrames} reads a video: which frames, and the limits of the read. */
export interface VideoFramesOptions extends FrameWindow {
  /** Aborting stops the download, the demuxing and the decoding; the read then rejects with `ABORTED` (or the signal's own `EmoLensError` reason, e.g. a call's `TIMEOUT`). */
  signal?: AbortSignal | undefined;
  /** Byte cap of a video fetched from a URL (a `<video>`'s source included); a Blob is not capped. Defaults to no cap. */
  maxBytes?: number | undefined;
  /** Most pixels of a frame (at its display size): a larger video is refused before any frame is decoded. Defaults to no cap. */
  maxPixels?: number | undefined;
}

/** An opened video: its length, and its frames to pull. */
export interface VideoFrames extends FrameSource {
  /**
   * The video's length in ms from its start (frame 0): the container's duration where it ends within two frames of the
   * last one (what a player shows), else the end of the last frame.
   */
  readonly durationMs: number;
  /**
   * The number of frames of the whole video track (not only the window): the number of packets its container lists,
   * one per frame, but those an MP4's edit list places before the video's start (a file cut without re-encoding
   * keeps them back to a key frame; they are decoded, never delivered). A delivered frame's `index` counts in the
   * whole track too, from the first frame shown.
   */
  readonly frameCount: number;
  /** The display width of the frames (after rotation), in pixels. */
  readonly width: number;
  /** The display height of the frames (after rotation), in pixels. */
  readonly height: number;
  /** The video's codec as a WebCodecs codec string (`vp8`, `vp09.00.10.08`, `avc1.42c01f`, …). */
  readonly codec: string;
  /**
   * The window's frames, every `sampleRate`-th from the first at or after `startMs`, below `endMs`, in presentation
   * order. Each call starts a new pass over the window. The iterator rejects with `ABORTED` once the signal fires;
   * it ends early once {@link VideoFrames.close} is called.
   *
   * Damaged data (a frame the decoder refuses) loses the frames from there to the next key frame, where decoding
   * starts again: the pass goes on, and {@link FrameSource.undecodableFrames} counts the frames it could not
   * deliver. Where not one frame of the window decodes, the pass rejects with `INVALID_IMAGE` `undecodable`.
   *
   * A file cut short (a truncated download, a recording interrupted) delivers the frames before the cut. A WebM or
   * Matroska file is read up to its last whole block (`frameCount` and `durationMs` count those frames), so the pass
   * then ends as usual; an MP4 lists every frame at its start, so the pass then rejects with `INVALID_IMAGE`
   * `undecodable`, `details.truncated: true` and `details.framesRead` (the frames there were).
   */
  frames(): AsyncIterableIterator<DecodedVideoFrame>;
  /** Frees the decoder and the file; any pass in progress ends. */
  close(): void;
}

/** The reason the read's own stop signal carries after {@link VideoFrames.close}: not an error, an end. */
const CLOSED = Symbol('closed');

/**
 * Opens a video file and reads its frame table, ready to decode.
 *
 * `input`: a Blob or File; a URL (absolute, or relative to the page: fetched whole, under `maxBytes`); or a
 * `<video>` element playing a file (its `currentSrc` is fetched the same way: it must be same-origin or CORS-enabled).
 * A `<video>` showing a MediaStream (a camera) has no file: use `detector.stream()` for it.
 *
 * @throws {@link EmoLensError} with `details.field` and `details.kind`:
 * - `INVALID_REQUEST` (`field: 'video'`): no video (`missing_image`), a value that is not a video input or a
 *   `<video>` playing a MediaStream (`unsupported_type`); an option out of range (`field` names it).
 * - `INVALID_IMAGE` (`field: 'video'`): `empty` (no bytes, or a video track with no frames), `not_a_video` (an image,
 *   random bytes, an audio file), `unsupported_codec` (`details.codec`: a codec this browser cannot decode),
 *   `undecodable` (a container that cannot be parsed), `fetch_failed` (`details.url`, `status`), `unsupported_type`
 *   (a URL scheme that is not fetched).
 * - `IMAGE_TOO_LARGE` (`kind: 'too_large'`): the download passed `maxBytes`, or a frame has more than `maxPixels`.
 * - `ABORTED` once `options.signal` fires (or the signal's own `EmoLensError` reason).
 *
 * @example
 * ```ts
 * const video = await openVideoFrames(file, { sampleRate: 5, startMs: 0 });
 * try {
 *   for await (const { bitmap, timestampMs, index } of video.frames()) worker.analyze(transfer(bitmap, [bitmap]));
 * } finally {
 *   video.close();
 * }
 * ```
 */
export async function openVideoFrames(input: VideoInput, options: VideoFramesOptions): Promise<VideoFrames> {
  const { frameWindow, maxBytes, maxPixels, signal } = readOptions(options);
  if (signal?.aborted) throw stopError(signal);
  // One stop signal for the whole read, whose reason is always the typed error (or CLOSED).
  const stop = new AbortController();
  const onAbort = () => stop.abort(stopError(signal!));
  signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => signal?.removeEventListener('abort', onAbort);
  let opened: OpenedTrack | undefined;
  try {
    const blob = await stoppable(videoBlob(input, maxBytes, stop.signal), stop.signal);
    opened = await stoppable(openTrack(blob), stop.signal, (late) => late.input.dispose());
    const { input: file } = opened;
    stop.signal.addEventListener('abort', () => file.dispose(), { once: true });
    const table = await stoppable(scanFrames(opened.track, blob.size, stop.signal), stop.signal).catch((error: unknown) => {
      throw readError(error, 'the video\'s frame table could not be read');
    });
    if (table.seconds.length === 0) throw invalidVideo('empty', 'the video track has no frames');
    const [width, height] = await Promise.all([opened.track.getDisplayWidth(), opened.track.getDisplayHeight()]);
    if (width * height > maxPixels) throw framesTooLarge(width, height, maxPixels);
    const selection = selectFrames(table, frameWindow);
    const track = opened;
    let damage: Damage = { lost: 0 };
    return {
      durationMs: table.durationMs,
      frameCount: table.seconds.length,
      windowFrameCount: selectedSpan(selection),
      windowDurationMs: windowDurationMs(table, frameWindow),
      width,
      height,
      codec: opened.codec,
      get undecodableFrames() {
        return damage.lost;
      },
      frames: () => {
        damage = { lost: 0 };
        return frames(track, table, selection, maxPixels, stop.signal, damage);
      },
      close: () => {
        release();
        stop.abort(CLOSED);
      },
    };
  } catch (error) {
    release();
    opened?.input.dispose();
    throw error;
  }
}

/** What a pass lost to damaged data: the frames of its selection that could not be decoded, and the first error. */
interface Damage {
  lost: number;
  first?: unknown;
}

/** The window's frames; see {@link VideoFrames.frames}. `damage` is filled in as the pass goes. */
async function* frames(opened: OpenedTrack, table: FrameTable, selection: FrameSelection, maxPixels: number, stop: AbortSignal, damage: Damage): AsyncGenerator<DecodedVideoFrame, void, undefined> {
  const count = table.seconds.length;
  if (selection.first >= selection.end || stop.reason === CLOSED) return;
  if (stop.aborted) throw stop.reason;
  const read = { next: selection.first, delivered: 0 };
  for (;;) {
    let failure: unknown;
    try {
      failure = yield* run(opened, table, selection, read, maxPixels, stop, damage);
    } catch (error) {
      if (error === CLOSED) return;
      throw error;
    }
    if (failure === undefined) break;
    // The decoder refused a packet after the last frame it gave (the frames it had decoded ahead were delivered):
    // the frames from here to the next key frame are lost, and decoding starts again there.
    damage.first ??= failure;
    const resume = Math.min(keyFrameAfter(table, read.next) ?? selection.end, selection.end);
    damage.lost += selectedBetween(selection, read.next, resume);
    read.next = resume;
    if (read.next >= selection.end) break;
  }
  if (stop.reason === CLOSED) return;
  if (stop.aborted) throw stop.reason;
  // Damage everywhere: not one frame of the window could be decoded.
  if ((damage.first !== undefined || damage.lost > 0) && read.delivered === 0) {
    throw invalidVideo('undecodable', 'no frame of the video within the window could be decoded: its data is damaged', { suggestion: 'The file is damaged where the analysis asked for frames: try another span, or another copy of the file.' }, damage.first);
  }
  // The decoder ran out of frames before the window's end: the frame table (an MP4's, at the file's start) lists
  // frames whose bytes are not there.
  if (read.next < selection.end) throw cutShort(read.next, count);
}

/**
 * One run of decoding, from frame `read.next` to the window's end: delivers the frames the selection takes and moves
 * `read.next` past each frame the decoder gives. Frames it passes over without a word (damaged data it skipped)
 * are counted as lost. Returns the decoder's error on damaged data, `undefined` when the run ends; throws a stop or
 * an error of the SDK's own (a frame over `maxPixels`).
 */
async function* run(
  opened: OpenedTrack,
  table: FrameTable,
  selection: FrameSelection,
  read: { next: number; delivered: number },
  maxPixels: number,
  stop: AbortSignal,
  damage: Damage,
): AsyncGenerator<DecodedVideoFrame, unknown, undefined> {
  const count = table.seconds.length;
  const sink = new DamageHoldingSink(opened.track);
  const samples = sink.samples(table.seconds[read.next], selection.end < count ? table.seconds[selection.end] : Infinity);
  // Stopped or closed while the consumer holds the pass without pulling: end it now, so that mediabunny closes the
  // frames it decoded ahead (they would otherwise wait for the garbage collector, holding decoder memory).
  const end = () => void samples.return().catch(() => undefined);
  stop.addEventListener('abort', end, { once: true });
  try {
    for (;;) {
      let out: Awaited<ReturnType<typeof deliverable>>;
      try {
        // Once the decoder has refused a packet, no frame comes after those already queued: a `next()` still
        // waiting then would wait for mediabunny to read the rest of the file.
        const next = samples.next();
        const result = await stoppable(Promise.race([next, sink.whenHeld()]), stop, (late) => ('refusal' in late ? undefined : late.value?.close()));
        if ('refusal' in result) {
          void next.then((late) => late.value?.close(), () => undefined);
          return result.refusal;
        }
        // mediabunny may also reach the file's end once the packets after the refusal are dropped.
        if (result.done) return sink.refusal;
        out = await deliverable(result.value, table, selection, read.next, maxPixels);
      } catch (error) {
        // Only the decoder's refusal of a packet is damage; a stop, the SDK's own errors (a frame over maxPixels)
        // and anything else (the file unreadable, a bitmap that could not be made) end the pass.
        if (isDecodeError(error) && !stop.aborted) return error;
        throw error === CLOSED ? error : readError(error, `frame ${read.next} could not be decoded`);
      }
      damage.lost += selectedBetween(selection, read.next, out.index);
      read.next = out.next;
      if (!out.frame) continue;
      if (stop.aborted) {
        out.frame.bitmap.close();
        throw stop.reason;
      }
      read.delivered++;
      yield out.frame;
    }
  } finally {
    stop.removeEventListener('abort', end);
    await samples.return().catch(() => undefined);
  }
}

/**
 * The error of a file that ends before its frame table does, after the frames before the cut were delivered.
 */
function cutShort(frames: number, frameCount: number): EmoLensError {
  const where = frames === 0 ? 'before its first frame' : `after frame ${frames - 1}`;
  return invalidVideo('undecodable', `the video's data ends ${where} of the ${frameCount} its container lists: the file is cut short or its data is damaged`, {
    truncated: true,
    framesRead: frames,
    frameCount,
    suggestion: 'Check that the whole file was uploaded or downloaded.',
  });
}

/**
 * The frame a decoded sample is (its index found from `from` on), as a bitmap when the selection delivers it; the
 * sample is closed either way, so that the decoder never waits on a frame held here.
 */
async function deliverable(sample: VideoSample, table: FrameTable, selection: FrameSelection, from: number, maxPixels: number): Promise<{ frame?: DecodedVideoFrame; index: number; next: number }> {
  try {
    // The container's size was checked before decoding; a container can lie about it, the decoded frame cannot.
    if (sample.displayWidth * sample.displayHeight > maxPixels) throw framesTooLarge(sample.displayWidth, sample.displayHeight, maxPixels);
    const index = frameIndexOf(table, sample.timestamp, from);
    if (index >= table.seconds.length) return { index: from, next: from };
    if (!isSelected(selection, index)) return { index, next: index + 1 };
    return { frame: { bitmap: await sampleBitmap(sample), timestampMs: table.ms[index]!, index }, index, next: index + 1 };
  } finally {
    sample.close();
  }
}

function readOptions(options: VideoFramesOptions): { frameWindow: FrameWindow; maxBytes: number; maxPixels: number; signal: AbortSignal | undefined } {
  if (typeof options !== 'object' || options === null) throw invalidVideoOption('options', 'the options must be an object with sampleRate and startMs');
  const { sampleRate, startMs, endMs, maxBytes = Infinity, maxPixels = Infinity, signal } = options;
  const frameWindow = { sampleRate, startMs, endMs };
  checkWindow(frameWindow);
  if (!(typeof maxBytes === 'number' && maxBytes >= 1)) throw invalidVideoOption('maxBytes', `maxBytes must be a number ≥ 1, not ${String(maxBytes)}`);
  if (!(typeof maxPixels === 'number' && maxPixels >= 1)) throw invalidVideoOption('maxPixels', `maxPixels must be a number ≥ 1, not ${String(maxPixels)}`);
  if (signal !== undefined && !isPlatform(signal, 'AbortSignal')) throw invalidVideoOption('signal', 'signal must be an AbortSignal');
  return { frameWindow, maxBytes, maxPixels, signal };
}

/** What a failed demux or decode rejects with: a stop or an SDK error as it is, anything else `undecodable`. */
function readError(error: unknown, reason: string): unknown {
  if (error === CLOSED || isEmoLensError(error)) return error;
  return invalidVideo('undecodable', `${reason} (${error instanceof Error ? error.message : String(error)})`, {}, error);
}
