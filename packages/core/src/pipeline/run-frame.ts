/**
 * One frame through the stages: find → frame/crop → classify → track → derive → format, and for a frame of a
 * stream, smooth. Nothing here touches the DOM or a model directly: the stages are handed in, so the same code
 * runs in the worker and, with a fake inference, in Node tests.
 */
import type { WiaEmotionScore, WiaFace, WiaFaceResult } from '@emolens/schema';
import type { Inference } from '../inference/inference-client.js';
import type { FrameOptions } from '../options.js';
import { round } from '../round.js';
import type { FrameResult } from '../worker/pipeline-api.js';
import { emotionScores } from './classify/emotion-scores.js';
import { needsOf, requestedSignals, SIGNALS } from './derive/registry.js';
import type { Baseline } from './derive/baseline.js';
import type { DerivedSignal } from './derive/signal.js';
import type { DetectedFace } from './find/detected-face.js';
import type { FaceFinder } from './find/face-finder.js';
import { formatFace } from './format/format-face.js';
import type { FaceFrame } from './frame/face-frame.js';
import type { Detection, StreamState } from './track/stream-state.js';

/** The stages one frame runs through. */
export interface FrameStages {
  finder: Pick<FaceFinder, 'find'>;
  /** The classifier's input tensor for these faces of the frame. */
  crop(frame: ImageBitmap, faces: readonly FaceFrame[]): Float32Array;
  inference: Pick<Inference, 'classify' | 'manifest'>;
  /** The signals that can be asked for (default: the registry's). */
  signals?: readonly DerivedSignal[];
}

/** A frame of a stream: the stream's state, and when the frame was captured (ms, on the stream's clock). */
export interface StreamFrame {
  state: StreamState;
  timestampMs: number;
}

/**
 * Analyses one frame. A single image's faces are numbered in order. A frame of a `stream` (its timestamp checked
 * first) may take the faces of the stream's last detection instead of detecting (`detectionReuseMs`), gets the
 * stream's stable face ids, its signals that need `previous` read and update the stream's state
 * by those ids, and its faces are reported smoothed, with the frame's own values under `raw`
 * (`track/face-smoothing.ts`). The stream's state changes only once the frame is classified, so a frame whose
 * detection or classification fails leaves it as it was.
 */
export async function runFrame(stages: FrameStages, frame: ImageBitmap, options: FrameOptions, requestId: string, stream?: StreamFrame): Promise<FrameResult> {
  const t0 = performance.now();
  // Checked before any work: a frame out of order is refused at once.
  const streamFrame = stream && { state: stream.state, timestampMs: stream.state.checkTimestamp(stream.timestampMs) };
  const signals = requestedSignals(options, stages.signals ?? SIGNALS);
  const needs = needsOf(signals);
  // A mesh describes its own frame only: frames whose signals need it always run the detector.
  const reused = streamFrame && !needs.has('mesh') && !needs.has('transform') && !needs.has('iris') ? streamFrame.state.reusableDetection(streamFrame.timestampMs, frame.width, frame.height) : undefined;
  const found = reused ? { faces: [...reused.faces], tiles: 0, tilesMs: 0 } : await stages.finder.find(frame, { range: options.faceRange, maxFaces: options.maxFaces, needs, video: streamFrame && { stream: streamFrame.state.id, timestampMs: streamFrame.timestampMs } });
  const faces = reused ? found.faces : found.faces.filter(({ bbox }) => Math.max(bbox.width, bbox.height) >= options.minFaceSize);
  const t1 = performance.now();

  const tensor = stages.crop(frame, faces.map((face) => face.frame));
  const t2 = performance.now();

  const probabilities = faces.length > 0 ? await stages.inference.classify(tensor, faces.length) : [];
  const t3 = performance.now();

  const scores = faces.map((_, i) => emotionScores(probabilities[i]!, stages.inference.manifest));
  const calibration = options.calibration ?? undefined;
  const result: WiaFaceResult = {
    request_id: requestId,
    processing_time_ms: 0,
    faces: streamFrame
      ? streamFaces(streamFrame, { width: frame.width, height: frame.height, reused }, faces, scores, signals, calibration)
      : faces.map((face, i) => formatFace(i, face, scores[i]!, signals, undefined, { calibration })),
  };
  const t4 = performance.now();
  result.processing_time_ms = round(t4 - t0, 2);
  return { result, timings: { landmarks: t1 - t0, detectionReused: reused !== undefined, tiles: found.tiles, tilesMs: found.tilesMs, crop: t2 - t1, classify: t3 - t2, format: t4 - t3, total: t4 - t0 } };
}

/**
 * The faces of a frame of a stream: numbered by the stream's tracker, then formatted (signals that need it read
 * their previous value by that id), then smoothed. Boxes are tracked in the pixels the faces were found in, which
 * are the same for every frame of a stream as long as its frames keep their size. Only detected frames move the
 * tracker (a reused box at a later time would read as a face standing still, then jumping): a frame that reused
 * a detection takes that detection's ids, and a detected frame is kept for the frames after it.
 */
function streamFaces(
  { state, timestampMs }: StreamFrame,
  frame: { width: number; height: number; reused: Detection | undefined },
  faces: readonly DetectedFace[],
  scores: readonly WiaEmotionScore[][],
  signals: readonly DerivedSignal[],
  calibration: Baseline | undefined,
): WiaFace[] {
  const ids = frame.reused ? [...frame.reused.ids] : state.faceIds(faces.map((face) => face.bbox), timestampMs);
  if (!frame.reused) state.recordDetection({ faces, ids, timestampMs, width: frame.width, height: frame.height });
  const own = faces.map((face, i) =>
    formatFace(ids[i]!, face, scores[i]!, signals, (field) => state.previous(field, ids[i]!), { calibration, memory: state.memory(ids[i]!), timestampMs }),
  );
  remember(state, signals, own);
  const reported = own.map((face) => state.smooth(face, timestampMs));
  state.advance(timestampMs);
  return reported;
}

/**
 * Keeps, in the stream's state, this frame's values of the signals that read their previous value, as the signals
 * derived them (before smoothing): a signal's `previous` is its own last output.
 */
function remember(state: StreamState, signals: readonly DerivedSignal[], faces: readonly WiaFace[]): void {
  for (const signal of signals) {
    if (!signal.needs.includes('previous')) continue;
    state.record(signal.field, new Map(faces.map((face) => [face.face_id, face[signal.field]])));
  }
}
