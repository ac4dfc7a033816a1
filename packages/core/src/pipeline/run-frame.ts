/**
 * One frame through the stages: find → frame/crop → classify → derive → format. Nothing here touches the DOM
 * or a model directly: the stages are handed in, so the same code runs in the worker and, with a fake
 * inference, in Node tests.
 */
import type { WiaFaceResult } from '@emolens/schema';
import type { Inference } from '../inference/inference-client.js';
import type { FrameOptions } from '../options.js';
import { round } from '../round.js';
import type { FrameResult } from '../worker/pipeline-api.js';
import { emotionScores } from './classify/emotion-scores.js';
import { needsOf, requestedSignals, SIGNALS } from './derive/registry.js';
import type { DerivedSignal } from './derive/signal.js';
import type { FaceFinder } from './find/face-finder.js';
import { formatFace } from './format/format-face.js';
import type { FaceFrame } from './frame/face-frame.js';
import type { StreamState } from './track/stream-state.js';

/** The stages one frame runs through. */
export interface FrameStages {
  finder: Pick<FaceFinder, 'find'>;
  /** The classifier's input tensor for these faces of the frame. */
  crop(frame: ImageBitmap, faces: readonly FaceFrame[]): Float32Array;
  inference: Pick<Inference, 'classify' | 'manifest'>;
  /** The signals that can be asked for (default: the registry's). */
  signals?: readonly DerivedSignal[];
}

/** Analyses one frame; with `stream`, signals that need `previous` read and update its state. */
export async function runFrame(stages: FrameStages, frame: ImageBitmap, options: FrameOptions, requestId: string, stream?: StreamState): Promise<FrameResult> {
  const t0 = performance.now();
  const signals = requestedSignals(options, stages.signals ?? SIGNALS);
  const found = await stages.finder.find(frame, { range: options.faceRange, maxFaces: options.maxFaces, needs: needsOf(signals) });
  const faces = found.faces.filter(({ bbox }) => Math.max(bbox.width, bbox.height) >= options.minFaceSize);
  const t1 = performance.now();

  const tensor = stages.crop(frame, faces.map((face) => face.frame));
  const t2 = performance.now();

  const probabilities = faces.length > 0 ? await stages.inference.classify(tensor, faces.length) : [];
  const t3 = performance.now();

  const { manifest } = stages.inference;
  const result: WiaFaceResult = {
    request_id: requestId,
    processing_time_ms: 0,
    faces: faces.map((face, i) => formatFace(i, face, emotionScores(probabilities[i]!, manifest), signals, stream && ((field) => stream.previous(field, i)))),
  };
  if (stream) remember(stream, signals, result);
  const t4 = performance.now();
  result.processing_time_ms = round(t4 - t0, 2);
  return { result, timings: { landmarks: t1 - t0, tiles: found.tiles, tilesMs: found.tilesMs, crop: t2 - t1, classify: t3 - t2, format: t4 - t3, total: t4 - t0 } };
}

/** Keeps, in the stream's state, this frame's values of the signals that read their previous value. */
function remember(stream: StreamState, signals: readonly DerivedSignal[], result: WiaFaceResult): void {
  for (const signal of signals) {
    if (!signal.needs.includes('previous')) continue;
    stream.record(signal.field, new Map(result.faces.map((face) => [face.face_id, face[signal.field]])));
  }
  stream.advance();
}
