import { describe, expect, it } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { openFrameArray, type FrameArrayOptions } from './frame-array.js';

/** Reads `n` entries with `options`: the delivered indices and timestamps, and the window's figures. */
async function read(n: number, options: Partial<FrameArrayOptions>) {
  const decoded: number[] = [];
  const source = openFrameArray(
    Array.from({ length: n }, (_, i) => `entry ${i}`),
    {
      sampleRate: 1,
      startMs: 0,
      frameRate: 30,
      decode: async (entry, index) => {
        expect(entry).toBe(`entry ${index}`);
        decoded.push(index);
        return { close: () => undefined } as ImageBitmap;
      },
      ...options,
    },
  );
  const frames: { index: number; timestampMs: number }[] = [];
  for await (const { index, timestampMs } of source.frames()) frames.push({ index, timestampMs });
  return { frames, decoded, windowFrameCount: source.windowFrameCount, windowDurationMs: source.windowDurationMs };
}

describe('openFrameArray', () => {
  it('places entry i at i × 1000 / frameRate ms, to the µs, and the array lasts n frame intervals', async () => {
    const out = await read(4, {});
    expect(out.frames).toEqual([0, 33.333, 66.667, 100].map((timestampMs, index) => ({ index, timestampMs })));
    expect(out).toMatchObject({ windowFrameCount: 4, windowDurationMs: 133.333 });
    expect((await read(3, { frameRate: 2 })).frames.map((f) => f.timestampMs)).toEqual([0, 500, 1000]);
  });

  it('samples and windows like a video file, and decodes only the delivered entries', async () => {
    // 30 entries at 10 fps: 0, 100, … 2900 ms. From 500 ms (entry 5) to before 2000 ms (entry 20): 15 entries, every 4th.
    const out = await read(30, { frameRate: 10, sampleRate: 4, startMs: 500, endMs: 2000 });
    expect(out.frames.map((f) => f.index)).toEqual([5, 9, 13, 17]);
    expect(out.decoded).toEqual([5, 9, 13, 17]);
    expect(out).toMatchObject({ windowFrameCount: 15, windowDurationMs: 1500 });
  });

  it('has an empty window past the end, and a window cut at the end', async () => {
    expect(await read(10, { startMs: 5000 })).toMatchObject({ frames: [], windowFrameCount: 0, windowDurationMs: 0 });
    expect(await read(30, { startMs: 900, endMs: 5000 })).toMatchObject({ windowFrameCount: 3, windowDurationMs: 100 });
  });

  it("ends the pass with an entry's decoding error", async () => {
    const source = openFrameArray(['a', 'b'], {
      sampleRate: 1,
      startMs: 0,
      frameRate: 30,
      decode: async (_, index) => {
        if (index === 1) throw new EmoLensError('INVALID_IMAGE', 'bad', { kind: 'invalid_base64' });
        return { close: () => undefined } as ImageBitmap;
      },
    });
    const frames = source.frames();
    expect((await frames.next()).done).toBe(false);
    await expect(frames.next()).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
  });

  it('stops after close(), freeing a frame decoded meanwhile', async () => {
    let closed = 0;
    const source = openFrameArray(['a', 'b', 'c'], {
      sampleRate: 1,
      startMs: 0,
      frameRate: 30,
      decode: async () => {
        source.close();
        return { close: () => closed++ } as unknown as ImageBitmap;
      },
    });
    expect((await source.frames().next()).done).toBe(true);
    expect(closed).toBe(1);
  });
});
