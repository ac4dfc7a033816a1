import { describe, expect, it } from 'vitest';
import type { WiaFace } from '@emolens/schema';
import { classifierManifest, faceDetectorManifest, FACE_DETECTORS } from '../assets/registry.js';
import { resolveDetectOptions, resolveTrackingOptions, type DetectOptions, type TrackingOptions } from '../options.js';
import { fakeFrame, fakeLetterbox, FakeInference, type CannedFace, type FakeInferenceScript } from '../testing/fake-inference.js';
import { SIGNALS } from './derive/registry.js';
import { signal } from './derive/signal.js';
import { FaceDetectStage } from './find/face-detect-stage.js';
import { FaceFinder } from './find/face-finder.js';
import { OnnxDetectionModel } from './find/onnx-detection.js';
import type { FaceFrame } from './frame/face-frame.js';
import { valuesPerFace } from './frame/preprocess.js';
import { runFrame, type FrameStages, type StreamFrame } from './run-frame.js';
import { StreamTable, type StreamState } from './track/stream-state.js';
import { rejection } from '../testing/rejection.js';

const manifest = classifierManifest('emolens-fer');
/** emolens-fer's label order is FER2013's: angry, disgust, fear, happy, sad, surprise, neutral. */
const HAPPY = [0.02, 0.01, 0.02, 0.85, 0.03, 0.02, 0.05];
const SURPRISED = [0.05, 0.0, 0.15, 0.05, 0.0, 0.7, 0.05];

/** The real fast path (detect stage, SSD decoding, suppression, pass policy) over a fake inference worker. */
function pipeline(script: FakeInferenceScript, frame: { width: number; height: number }, signals = SIGNALS) {
  const inference = new FakeInference(script);
  inference.imageSize = frame;
  const finder = new FaceFinder({
    detector: async (range) => {
      const { detector, name } = faceDetectorManifest(FACE_DETECTORS[range]);
      return new FaceDetectStage(new OnnxDetectionModel(detector, (input) => inference.detectFaces(input, name), 0.5, fakeLetterbox(detector.input)), 0.7);
    },
    mesh: () => Promise.reject(new Error('no mesh in Node')),
  });
  const crops: FaceFrame[][] = [];
  const stages: FrameStages = {
    finder,
    crop: (_frame, faces) => (crops.push([...faces]), new Float32Array(valuesPerFace(manifest.input) * faces.length)),
    inference: { manifest, classify: (input, count) => inference.classify(input, count) },
    signals,
  };
  return { stages, inference, crops, run: (options: DetectOptions = {}, stream?: StreamFrame) => runFrame(stages, fakeFrame(frame.width, frame.height), resolveDetectOptions(options, 5), 'req_test', stream) };
}

const faceAt = (x: number, y: number, side: number, score = 0.9): CannedFace => ({ box: { x, y, width: side, height: side }, score });

describe('runFrame over a fake inference worker', () => {
  it('finds the canned faces, classifies them in one batch and writes the WIA faces', async () => {
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(100, 120, 160), faceAt(400, 100, 120, 0.8)] }, probabilities: [HAPPY, SURPRISED] }, { width: 640, height: 480 });
    const { result, timings } = await p.run();
    expect(p.inference.calls).toEqual({ detect: ['blazeface-short'], classify: [2] });
    expect(result.request_id).toBe('req_test');
    expect(result.faces.map((f) => f.face_id)).toEqual([0, 1]);
    const [a, b] = result.faces as [WiaFace, WiaFace];
    // Boxes come back through the letterbox and the SSD decoding to within a pixel.
    expect(Math.abs(a.bbox.x - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(a.bbox.width - 160)).toBeLessThanOrEqual(1);
    expect(Math.abs(b.bbox.x - 400)).toBeLessThanOrEqual(1);
    expect(a.emotions.primary.label).toBe('happiness');
    expect(a.emotions.primary.confidence).toBeCloseTo(0.85, 6);
    expect(b.emotions.primary.label).toBe('surprise');
    expect(a.emotions.all.map((s) => s.label)).toHaveLength(7);
    expect(Object.keys(a)).toEqual(['face_id', 'bbox', 'emotions', 'dimensions']);
    expect(a.dimensions!.valence).toBeGreaterThan(0.5);
    // One crop per face, in the order of the faces, framed on each face.
    expect(p.crops).toHaveLength(1);
    p.crops[0]!.forEach((crop, i) => {
      const { bbox } = result.faces[i]!;
      expect(crop.cx).toBeGreaterThan(bbox.x);
      expect(crop.cx).toBeLessThan(bbox.x + bbox.width);
      expect(crop.side).toBeGreaterThan(bbox.width);
    });
    expect(Object.values(timings).every((t) => t >= 0)).toBe(true);
  });

  it('drops faces under the threshold that get no second look, and faces under minFaceSize', async () => {
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(50, 50, 200), faceAt(400, 50, 40)] }, probabilities: [HAPPY] }, { width: 640, height: 480 });
    expect((await p.run()).result.faces).toHaveLength(2);
    expect((await p.run({ minFaceSize: 100 })).result.faces).toHaveLength(1);
    expect(p.inference.calls.classify).toEqual([2, 1]);
  });

  it('adds the full-range pass on a large image and merges a face both passes found', async () => {
    const p = pipeline(
      { faces: { 'blazeface-short': [faceAt(600, 300, 400)], 'blazeface-full': [faceAt(605, 310, 390), faceAt(1500, 200, 60)] }, probabilities: [HAPPY] },
      { width: 1920, height: 1080 },
    );
    const { result } = await p.run();
    expect(p.inference.calls.detect).toEqual(['blazeface-short', 'blazeface-full']);
    expect(result.faces.map((f) => Math.round(f.bbox.x / 100))).toEqual([6, 15]);
  });

  it('leaves out the signals switched off, and classifies nothing on a frame with no face', async () => {
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(100, 100, 200)] }, probabilities: [HAPPY] }, { width: 640, height: 480 });
    expect(Object.keys((await p.run({ returnDimensions: false })).result.faces[0]!)).toEqual(['face_id', 'bbox', 'emotions']);
    const empty = { ...p.stages, finder: { find: async () => ({ faces: [], tiles: 0, tilesMs: 0 }) } };
    const { result } = await runFrame(empty, fakeFrame(640, 480), resolveDetectOptions({}, 5), 'req_empty');
    expect(result.faces).toEqual([]);
    expect(p.inference.calls.classify).toEqual([1]);
  });

  it('gives a signal that needs it its previous value for the face, per stream', async () => {
    // A test signal: how many frames in a row face 0 was seen in this stream (written under `dimensions`).
    const streak = signal({
      field: 'dimensions',
      option: 'returnDimensions',
      needs: ['previous'],
      derive: ({ previous }) => ({ valence: (previous?.valence ?? 0) + 1, arousal: 0 }),
    });
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(100, 100, 200)] }, probabilities: [HAPPY] }, { width: 640, height: 480 }, [streak]);
    const streams = new StreamTable();
    const a = streams.open(resolveTrackingOptions(undefined));
    const b = streams.open(resolveTrackingOptions(undefined));
    let t = 0;
    // `previous` is the signal's own last output (raw), not the smoothed value reported.
    const valence = async (stream?: StreamState) => (await p.run({}, stream && { state: stream, timestampMs: (t += 33) })).result.faces[0]!;
    const frames = [await valence(a), await valence(a), await valence(a)];
    expect(frames.map((f) => f.raw!.dimensions!.valence)).toEqual([1, 2, 3]);
    expect((await valence(b)).raw!.dimensions!.valence).toBe(1);
    expect((await valence()).dimensions!.valence).toBe(1); // a single image keeps nothing
    expect(a.frames).toBe(3);
    streams.close(a.id);
    expect(() => streams.get(a.id)).toThrow(/No open stream/);
  });
});

describe('runFrame on a stream', () => {
  /**
   * A stream of `frames` frames at 30 fps, frame k with the faces `at(k)` (none: no face found) classified as
   * `probabilities` give in turn.
   */
  async function stream(at: (k: number) => CannedFace[], frames: number, tracking?: TrackingOptions, probabilities = [HAPPY]) {
    const state = new StreamTable().open(resolveTrackingOptions(tracking));
    const script = { faces: { 'blazeface-short': [] as CannedFace[] }, probabilities };
    const p = pipeline(script, { width: 640, height: 480 });
    // With no face at all the finder retries on a grey-bordered canvas, which Node lacks: such frames find nothing.
    const none = { ...p.stages, finder: { find: async () => ({ faces: [], tiles: 0, tilesMs: 0 }) } };
    const results: WiaFace[][] = [];
    for (let k = 0; k < frames; k++) {
      script.faces['blazeface-short'] = at(k);
      const stages = at(k).length > 0 ? p.stages : none;
      results.push((await runFrame(stages, fakeFrame(640, 480), resolveDetectOptions({}, 5), 'req_stream', { state, timestampMs: (k * 1000) / 30 })).result.faces);
    }
    return { state, results };
  }

  it('keeps each face\'s id across frames, whatever order the detector lists them in', async () => {
    // Two faces drifting apart; the detector's order flips (the larger score first).
    const { results } = await stream((k) => [faceAt(100 - 2 * k, 120, 160, k % 2 ? 0.8 : 0.9), faceAt(400 + 2 * k, 100, 120, k % 2 ? 0.9 : 0.8)], 6);
    const idAt = (faces: WiaFace[], x: number) => faces.find((f) => Math.abs(f.bbox.x - x) < 20)!.face_id;
    results.forEach((faces, k) => {
      expect(faces).toHaveLength(2);
      expect([idAt(faces, 100 - 2 * k), idAt(faces, 400 + 2 * k)]).toEqual([0, 1]);
    });
  });

  it('reports smoothed values with the frame\'s own under raw, and the primary held by hysteresis', async () => {
    // Happy for 5 frames, then surprised: the raw values switch at once, the smoothed ones follow.
    const probabilities = [...Array<number[]>(5).fill(HAPPY), SURPRISED];
    const state = new StreamTable().open(resolveTrackingOptions(undefined));
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(100, 100, 200)] }, probabilities }, { width: 640, height: 480 });
    const faces: WiaFace[] = [];
    for (let k = 0; k < 20; k++) faces.push((await p.run({}, { state, timestampMs: k * 33 })).result.faces[0]!);
    // A new track starts from its raw values (renormalising them moves only the last digit).
    faces[0]!.emotions.all.forEach((score, i) => expect(score).toEqual({ label: faces[0]!.raw!.emotions.all[i]!.label, confidence: expect.closeTo(faces[0]!.raw!.emotions.all[i]!.confidence, 12) }));
    const first = faces[5]!;
    expect(Object.keys(first)).toEqual(['face_id', 'bbox', 'emotions', 'dimensions', 'raw']);
    expect(first.raw!.emotions.primary.label).toBe('surprise');
    expect(first.emotions.primary.label).toBe('happiness');
    expect(first.dimensions!.valence).toBeGreaterThan(first.raw!.dimensions!.valence);
    expect(first.emotions.all.reduce((sum, s) => sum + s.confidence, 0)).toBeCloseTo(1, 9);
    expect(faces.at(-1)!.emotions.primary.label).toBe('surprise');
    expect(new Set(faces.map((f) => f.face_id))).toEqual(new Set([0]));
  });

  it('leaves single images as they were: ids by index, primary = all[0], no raw', async () => {
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(100, 120, 160), faceAt(400, 100, 120, 0.8)] }, probabilities: [HAPPY, SURPRISED] }, { width: 640, height: 480 });
    for (let k = 0; k < 2; k++) {
      const { faces } = (await p.run()).result;
      expect(faces.map((f) => f.face_id)).toEqual([0, 1]);
      for (const face of faces) {
        expect(face.emotions.primary).toEqual(face.emotions.all[0]);
        expect(face.raw).toBeUndefined();
      }
    }
  });

  it('gives a face missing for less than the grace its id back, and a new one after it', async () => {
    const face = () => [faceAt(100, 100, 200)];
    // Frames 3–8 (200 ms) without the face, then frames 15–40 (> 800 ms).
    const { results } = await stream((k) => ((k >= 3 && k <= 8) || (k >= 15 && k <= 40) ? [] : face()), 44);
    expect([...new Set(results.flat().map((f) => f.face_id))]).toEqual([0, 1]);
    expect(results[9]![0]!.face_id).toBe(0);
    expect(results[41]![0]!.face_id).toBe(1);
  });

  it('lets the frames just after a detection take its faces, and classifies every frame from its own pixels', async () => {
    const state = new StreamTable().open(resolveTrackingOptions(undefined));
    const script = { faces: { 'blazeface-short': [faceAt(100, 100, 200)] }, probabilities: [HAPPY, SURPRISED, HAPPY, SURPRISED] };
    const p = pipeline(script, { width: 640, height: 480 });
    const frame = (timestampMs: number) => p.run({}, { state, timestampMs });
    const first = await frame(0);
    // The face moves; only a frame that runs the detector sees it move.
    script.faces['blazeface-short'] = [faceAt(140, 100, 200)];
    const reused = await frame(16.7); // 16.7 ms after the detection: within the default 25
    const detected = await frame(33.3); // 33.3 ms after it: detects again
    const reusedAgain = await frame(50); // 16.7 ms after that one
    expect([first, reused, detected, reusedAgain].map((r) => r.timings.detectionReused)).toEqual([false, true, false, true]);
    expect(p.inference.calls.detect).toEqual(['blazeface-short', 'blazeface-short']);
    expect(p.inference.calls.classify).toEqual([1, 1, 1, 1]);
    const x = (r: typeof first) => r.result.faces[0]!.bbox.x;
    expect([x(first), x(reused), x(detected), x(reusedAgain)].map((v) => Math.round(v / 10) * 10)).toEqual([100, 100, 140, 140]);
    expect(reused.result.faces[0]!.raw!.emotions.primary.label).toBe('surprise');
    expect(p.crops[1]).toEqual(p.crops[0]);
    expect(new Set([first, reused, detected, reusedAgain].map((r) => r.result.faces[0]!.face_id))).toEqual(new Set([0]));
  });

  it('runs the detector on every frame with detectionReuseMs 0, after a failed frame, on a frame of another size, and for the mesh', async () => {
    const face = { bbox: { x: 100, y: 100, width: 200, height: 200 }, frame: { cx: 200, cy: 192, side: 211, angle: 0 } };
    let finds = 0;
    const counting = (stages: FrameStages): FrameStages => ({ ...stages, finder: { find: async () => (finds++, { faces: [face], tiles: 0, tilesMs: 0 }) } });
    const countFinds = async (tracking: TrackingOptions, frames: { t: number; width?: number; signals?: FrameStages['signals']; options?: DetectOptions; fail?: boolean }[]) => {
      finds = 0;
      const state = new StreamTable().open(resolveTrackingOptions(tracking));
      const p = pipeline({ faces: {}, probabilities: [HAPPY] }, { width: 640, height: 480 });
      for (const { t, width = 640, signals, options = {}, fail } of frames) {
        const stages = counting({ ...p.stages, ...(signals ? { signals } : {}) });
        if (fail) stages.inference = { manifest, classify: () => Promise.reject(new Error('classifier down')) };
        await runFrame(stages, fakeFrame(width, 480), resolveDetectOptions(options, 5), 'req', { state, timestampMs: t }).catch(() => undefined);
      }
      return finds;
    };
    expect(await countFinds({}, [{ t: 0 }, { t: 10 }, { t: 20 }])).toBe(1);
    expect(await countFinds({ detectionReuseMs: 0 }, [{ t: 0 }, { t: 10 }, { t: 20 }])).toBe(3);
    // A frame that fails after detecting keeps nothing: the next frame detects.
    expect(await countFinds({}, [{ t: 0, fail: true }, { t: 10 }, { t: 20 }])).toBe(2);
    expect(await countFinds({}, [{ t: 0 }, { t: 10, width: 320 }])).toBe(2);
    const mesh = signal({ field: 'landmarks', option: 'returnLandmarks', needs: ['mesh'], derive: () => undefined });
    const withMesh = { signals: [mesh], options: { returnLandmarks: true } };
    expect(await countFinds({}, [{ t: 0, ...withMesh }, { t: 10, ...withMesh }])).toBe(2);
    expect(await countFinds({}, [{ t: 0, signals: [mesh] }, { t: 10, signals: [mesh] }])).toBe(1); // not asked for: reused
  });

  it('with smoothing off, reports each frame\'s values and no raw field', async () => {
    const { results } = await stream(() => [faceAt(100, 100, 200)], 3, { smoothing: 'off' }, [HAPPY, SURPRISED, HAPPY]);
    expect(results.map(([f]) => [f!.face_id, f!.emotions.all[0]!.label, 'raw' in f!])).toEqual([[0, 'happiness', false], [0, 'surprise', false], [0, 'happiness', false]]);
  });

  it('refuses a timestamp that goes back or is not finite, before any work, and leaves the stream as it was', async () => {
    const p = pipeline({ faces: { 'blazeface-short': [faceAt(100, 100, 200)] }, probabilities: [HAPPY] }, { width: 640, height: 480 });
    const state = new StreamTable().open(resolveTrackingOptions(undefined));
    await p.run({}, { state, timestampMs: 100 });
    for (const timestampMs of [99, Number.NaN, Infinity]) {
      const error = await rejection(p.run({}, { state, timestampMs } satisfies StreamFrame));
      expect([error.code, error.details.field]).toEqual(['INVALID_REQUEST', 'timestampMs']);
    }
    expect(p.inference.calls.detect).toHaveLength(1);
    expect([state.frames, state.lastTimestamp]).toEqual([1, 100]);
    expect((await p.run({}, { state, timestampMs: 100 })).result.faces[0]!.face_id).toBe(0);
  });
});
