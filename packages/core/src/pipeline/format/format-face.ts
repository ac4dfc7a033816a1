/**
 * The canonical WIA face: box and emotions, then each requested derived signal's field, in registry order.
 */
import type { WiaEmotionScore, WiaFace } from '@emolens/schema';
import type { DetectedFace } from '../find/detected-face.js';
import type { DerivedSignal, SignalField } from '../derive/signal.js';
import { computeFeatures, type FaceFeatures, type FeatureContext } from '../derive/face-features.js';

/**
 * One WIA face. `previous(field)` gives a signal that needs it its value for this face on the stream's
 * previous frame; `context` is where its mesh features are computed (the calibration, its stream memory).
 */
export function formatFace(
  faceId: number,
  face: DetectedFace,
  scores: WiaEmotionScore[],
  signals: readonly DerivedSignal[],
  previous: (field: SignalField) => unknown = () => undefined,
  context: FeatureContext = {},
): WiaFace {
  const result: WiaFace = { face_id: faceId, bbox: { ...face.bbox }, emotions: { primary: { ...scores[0]! }, all: scores } };
  let computed = false;
  let features: FaceFeatures | undefined;
  const lazyFeatures = () => {
    if (!computed) [features, computed] = [computeFeatures(face, context), true];
    return features;
  };
  for (const signal of signals) {
    const value = signal.derive({ face, scores, previous: signal.needs.includes('previous') ? (previous(signal.field) as never) : undefined, features: lazyFeatures });
    if (value !== undefined) (result as Partial<Record<SignalField, unknown>>)[signal.field] = value;
  }
  return result;
}
