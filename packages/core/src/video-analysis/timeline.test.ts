import { describe, expect, it, vi } from 'vitest';
import { EmoLensError, type WiaFace } from '@emolens/schema';
import { callStop } from '../call-stop.js';
import { rejection } from '../testing/rejection.js';
import type { DecodedVideoFrame, FrameSource } from '../video/frame-source.js';
import type { StreamFrameRef } from '../worker/pipeline-api.js';
import { FRAMES_IN_FLIGHT, readTimeline, type FramePort } from './timeline.js';

/** A stand-in for an ImageBitmap: only `close()` is used on the page side. */
class FakeBitmap {
  closed = false;
  constructor(readonly index: number) {}
  close() {
    this.closed = true;
  }
}

/** A source of `n` frames 40 ms apart; `fail` makes frame `i` fail to decode. */
function source(n: number, fail?: { at: number; error: unknown }): FrameSource & { bitmaps: FakeBitmap[]; closed: boolean } {
  const bitmaps: FakeBitmap[] = [];
  const self = {
    bitmaps,
    closed: false,
    windowFrameCount: n,
    undecodableFrames: 0,
    windowDurationMs: n * 40,
    async *frames(): AsyncGenerator<DecodedVideoFrame> {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1));
        if (fail?.at === i) throw fail.error;
        const bitmap = new FakeBitmap(i);
        bitmaps.push(bitmap);
        yield { bitmap: bitmap as unknown as ImageBitmap, timestampMs: i * 40, index: i };
      }
    },
    close() {
      self.closed = true;
    },
  };
  return self;
}

const face = (id: number): WiaFace => ({ face_id: id, bbox: { x: 0, y: 0, width: 1, height: 1 }, emotions: { primary: { label: 'neutral', confidence: 1 }, all: [] } });

/** A worker stand-in that answers each frame after `delayMs`, and records what it was asked. */
function port(options: { delayMs?: number; failAt?: number; error?: EmoLensError; never?: boolean } = {}) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const self: FramePort & { log: string[]; maxInFlight: () => number } = {
    log,
    maxInFlight: () => maxInFlight,
    open: async () => {
      log.push('open');
      return 7;
    },
    analyze: (bitmap: ImageBitmap, stream: StreamFrameRef | undefined) => {
      const index = (bitmap as unknown as FakeBitmap).index;
      log.push(stream ? `frame ${index} of ${stream.id} at ${stream.timestampMs}` : `still ${index}`);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (options.never) return new Promise<WiaFace[]>(() => undefined);
      return new Promise<WiaFace[]>((resolve, reject) =>
        setTimeout(() => {
          inFlight--;
          if (index === options.failAt) reject(options.error ?? new EmoLensError('INTERNAL_ERROR', 'frame failed', { kind: 'unexpected' }));
          else resolve([face(index)]);
        }, options.delayMs ?? 2),
      );
    },
    close: async (id) => {
      log.push(`close ${id}`);
    },
  };
  return self;
}

const run = (s: FrameSource, p: FramePort, track = true, signal = new AbortController().signal, onProgress?: (p: unknown) => void) =>
  readTimeline(s, p, { track, onProgress, signal });

describe('readTimeline', () => {
  it('analyses every frame in order as one stream at its own timestamp, and closes the stream after the last', async () => {
    const p = port();
    const timeline = await run(source(5), p);
    expect(timeline.map((f) => [f.timestamp_ms, f.faces[0]!.face_id])).toEqual([[0, 0], [40, 1], [80, 2], [120, 3], [160, 4]]);
    expect(p.log).toEqual(['open', ...[0, 1, 2, 3, 4].map((i) => `frame ${i} of 7 at ${i * 40}`), 'close 7']);
  });

  it('analyses each frame as a still image, with no stream, without track_faces', async () => {
    const p = port();
    await run(source(3), p, false);
    expect(p.log).toEqual(['still 0', 'still 1', 'still 2']);
  });

  it(`keeps at most ${FRAMES_IN_FLIGHT} frames waiting on the worker, even when it is slower than decoding`, async () => {
    const p = port({ delayMs: 15 });
    await run(source(12), p);
    expect(p.maxInFlight()).toBe(FRAMES_IN_FLIGHT);
  });

  it("reports progress after each frame, in order; what the callback throws is reported as the app's error and the analysis goes on", async () => {
    const seen: unknown[] = [];
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    try {
      const timeline = await run(source(3), port(), true, undefined, (progress) => {
        seen.push(progress);
        throw new Error('app bug');
      });
      expect(timeline).toHaveLength(3);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(seen).toEqual([0, 1, 2].map((i) => ({ analyzed_frames: i + 1, frame_count: 3, timestamp_ms: i * 40 })));
    expect(reported.map((error) => (error as Error).message)).toEqual(['app bug', 'app bug', 'app bug']);
  });

  it("rejects with a frame's error and closes the stream", async () => {
    const p = port({ failAt: 3 });
    const error = await rejection(run(source(8), p));
    expect(error.message).toBe('frame failed');
    expect(p.log.at(-1)).toBe('close 7');
  });

  it('rejects with a decoding error and closes the stream', async () => {
    const p = port();
    const error = await rejection(run(source(8, { at: 4, error: new EmoLensError('INVALID_IMAGE', 'bad frame', { kind: 'undecodable' }) }), p));
    expect(error.details['kind']).toBe('undecodable');
    expect(p.log.at(-1)).toBe('close 7');
  });

  it('does not close the stream of a crashed worker (closing would start a new one)', async () => {
    const p = port({ failAt: 1, error: new EmoLensError('INTERNAL_ERROR', 'crashed', { kind: 'worker_crashed' }) });
    await rejection(run(source(4), p));
    expect(p.log).not.toContain('close 7');
  });

  it('stops at the deadline while the worker never answers, closes the stream without waiting, and frees the frame in hand', async () => {
    const p = port({ never: true });
    const s = source(50);
    const stop = callStop(undefined, 50);
    // Were the stream's close awaited, this would never settle: the worker never answers.
    const error = await rejection(run(s, p, true, stop.signal));
    stop.release();
    expect(error.code).toBe('TIMEOUT');
    expect(p.log.at(-1)).toBe('close 7');
    // The frames handed to the worker are the worker's; none was decoded past them.
    expect(s.bitmaps.length).toBeLessThanOrEqual(FRAMES_IN_FLIGHT + 1);
  });

  it('rejects with ABORTED when aborted mid-way, and closes the stream', async () => {
    const controller = new AbortController();
    const stop = callStop(controller.signal, Infinity);
    const p = port();
    const pending = run(source(100), p, true, stop.signal, (progress) => {
      if ((progress as { analyzed_frames: number }).analyzed_frames === 5) controller.abort();
    });
    const error = await rejection(pending);
    stop.release();
    expect(error.code).toBe('ABORTED');
    expect(p.log.filter((l) => l.startsWith('frame')).length).toBeLessThan(10);
    expect(p.log.at(-1)).toBe('close 7');
  });

  it('closes a stream that opens after the call stopped', async () => {
    const p = port();
    let opened!: (id: number) => void;
    p.open = () => new Promise((resolve) => (opened = resolve));
    const controller = new AbortController();
    const pending = run(source(3), p, true, controller.signal);
    controller.abort(new EmoLensError('ABORTED', 'stop'));
    expect((await rejection(pending)).code).toBe('ABORTED');
    opened(9);
    await expect.poll(() => p.log).toContain('close 9');
  });
});
