import { describe, expect, it } from 'vitest';
import type { WiaFace } from '@emolens/schema';
import { classifierManifest, faceDetectorManifest, FACE_DETECTORS } from '../assets/registry.js';
import { resolveDetectOptions, type DetectOptions } from '../options.js';
import { fakeFrame, fakeLetterbox, FakeInference, type CannedFace, type FakeInferenceScript } from '../testing/fake-inference.js';
import { SIGNALS } from './derive/registry.js';
import { signal } from './derive/signal.js';
import { FaceDetectStage } from './find/face-detect-stage.js';
import { FaceFinder } from './find/face-finder.js';
import { OnnxDetectionModel } from './find/onnx-detection.js';
import type { FaceFrame } from './frame/face-frame.js';
import { valuesPerFace } from './frame/preprocess.js';
import { runFrame, type FrameStages } from './run-frame.js';
import { StreamTable } from './track/stream-state.js';

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
  return { stages, inference, crops, run: (options: DetectOptions = {}, stream?: Parameters<typeof runFrame>[4]) => runFrame(stages, fakeFrame(frame.width, frame.height), resolveDetectOptions(options, 5), 'req_test', stream) };
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
    const a = streams.open();
    const b = streams.open();
    const valence = async (stream?: ReturnType<StreamTable['open']>) => (await p.run({}, stream)).result.faces[0]!.dimensions!.valence;
    expect([await valence(a), await valence(a), await valence(a)]).toEqual([1, 2, 3]);
    expect(await valence(b)).toBe(1);
    expect(await valence()).toBe(1); // a single image keeps nothing
    expect(a.frames).toBe(3);
    streams.close(a.id);
    expect(() => streams.get(a.id)).toThrow(/No open stream/);
  });
});
