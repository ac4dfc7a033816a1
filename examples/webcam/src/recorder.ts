/**
 * The live session's record, for export: every result's faces, kept as numbers rather than the SDK's objects (a
 * face observation is 30 numbers, 240 bytes, instead of some 20 small objects), in chunks so that the oldest can be
 * dropped. It holds the last {@link MAX_FRAMES} results — about an hour at 30 results/s — so a demo left running
 * all day does not grow without end. `timeline()` rebuilds the WIA frames exactly as they were received.
 */
import { WIA_EMOTIONS, type WiaDimensions, type WiaEmotions, type WiaFace, type WiaVideoFrame } from '@emolens/core';
import { emotionIndex } from './series.ts';

/** Most results kept: about an hour at 30 results/s. */
export const MAX_FRAMES = 108_000;
const CHUNK_FRAMES = 1024;
const MAX_CHUNKS = Math.ceil(MAX_FRAMES / CHUNK_FRAMES);

// A face observation's numbers: id, box, the emotions and dimensions, then the same for `raw`.
const N = WIA_EMOTIONS.length;
const EMOTIONS_AT = 5; // primary index, primary confidence, N probabilities, has-dimensions, valence, arousal
const VALUES = N + 5;
const RAW_AT = EMOTIONS_AT + VALUES; // has-raw, then the raw values in the same layout
const ROW = RAW_AT + 1 + VALUES;

interface Chunk {
  /** `[timestamp_ms, faceCount]` per result. */
  frames: number[];
  /** {@link ROW} numbers per face, in the order of the results. */
  rows: number[];
  /** The sum of its results' processing times. */
  processing: number;
}

export class SessionRecorder {
  private chunks: Chunk[] = [];
  private count = 0;
  private dropped = 0;
  private processing = 0;

  /** Results held. */
  get frames(): number {
    return this.count;
  }

  /** Whether the oldest results were dropped to stay within {@link MAX_FRAMES}. */
  get truncated(): boolean {
    return this.dropped > 0;
  }

  /** The sum of the held results' `processing_time_ms`. */
  get processingMs(): number {
    return this.processing;
  }

  /** Records one result: its faces at `timestampMs` since the session started, and its processing time. */
  add(timestampMs: number, faces: readonly WiaFace[], processingMs: number): void {
    let chunk = this.chunks.at(-1);
    if (!chunk || chunk.frames.length / 2 >= CHUNK_FRAMES) {
      if (this.chunks.length >= MAX_CHUNKS) {
        const oldest = this.chunks.shift()!;
        this.count -= oldest.frames.length / 2;
        this.dropped += oldest.frames.length / 2;
        this.processing -= oldest.processing;
      }
      chunk = { frames: [], rows: [], processing: 0 };
      this.chunks.push(chunk);
    }
    chunk.frames.push(timestampMs, faces.length);
    for (const face of faces) {
      const { x, y, width, height } = face.bbox;
      chunk.rows.push(face.face_id, x, y, width, height);
      pushValues(chunk.rows, face.emotions, face.dimensions);
      chunk.rows.push(face.raw ? 1 : 0);
      pushValues(chunk.rows, face.raw?.emotions, face.raw?.dimensions);
    }
    chunk.processing += processingMs;
    this.processing += processingMs;
    this.count++;
  }

  /** The recorded results as WIA video frames, oldest first. */
  timeline(): WiaVideoFrame[] {
    const timeline: WiaVideoFrame[] = [];
    for (const { frames, rows } of this.chunks) {
      let row = 0;
      for (let f = 0; f < frames.length; f += 2) {
        const faces: WiaFace[] = [];
        for (let i = 0; i < frames[f + 1]!; i++, row += ROW) faces.push(readFace(rows, row));
        timeline.push({ timestamp_ms: frames[f]!, faces });
      }
    }
    return timeline;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
    this.dropped = 0;
    this.processing = 0;
  }
}

function pushValues(rows: number[], emotions: WiaEmotions | undefined, dimensions: WiaDimensions | undefined): void {
  if (!emotions) {
    for (let i = 0; i < VALUES; i++) rows.push(0);
    return;
  }
  const probs = new Array<number>(N).fill(0);
  for (const { label, confidence } of emotions.all) probs[emotionIndex(label)] = confidence;
  rows.push(emotionIndex(emotions.primary.label), emotions.primary.confidence, ...probs);
  rows.push(dimensions ? 1 : 0, dimensions?.valence ?? 0, dimensions?.arousal ?? 0);
}

function readValues(rows: number[], at: number): { emotions: WiaEmotions; dimensions?: WiaDimensions } {
  const all = WIA_EMOTIONS.map((label, i) => ({ label, confidence: rows[at + 2 + i]! }))
    // Most probable first, as the SDK sorts them (a tie keeps WIA order: the sort is stable).
    .sort((a, b) => b.confidence - a.confidence);
  const emotions: WiaEmotions = { primary: { label: WIA_EMOTIONS[rows[at]!]!, confidence: rows[at + 1]! }, all };
  const d = at + 2 + N;
  return rows[d] ? { emotions, dimensions: { valence: rows[d + 1]!, arousal: rows[d + 2]! } } : { emotions };
}

function readFace(rows: number[], at: number): WiaFace {
  const face: WiaFace = {
    face_id: rows[at]!,
    bbox: { x: rows[at + 1]!, y: rows[at + 2]!, width: rows[at + 3]!, height: rows[at + 4]! },
    ...readValues(rows, at + EMOTIONS_AT),
  };
  if (rows[at + RAW_AT]) face.raw = readValues(rows, at + RAW_AT + 1);
  return face;
}
