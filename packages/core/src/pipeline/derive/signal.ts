/**
 * A derived signal: a field of the WIA face computed from what the earlier stages found. Each signal declares
 * what it needs, so the pipeline computes only that: the face finder runs the mesh only when a requested signal
 * needs `mesh` or `transform`, and a signal that needs `previous` gets its own output for the same face on the
 * stream's previous frame (see `track/stream-state.ts`).
 */
import type { WiaEmotionScore, WiaFace } from '@emolens/schema';
import type { SignalOption } from '../../options.js';
import type { DetectedFace } from '../find/detected-face.js';
import type { FaceFeatures } from './face-features.js';

/**
 * What a signal may need:
 * - `scores`: the face's emotion scores (always computed);
 * - `mesh`: the 468-point face mesh (`DetectedFace.mesh`);
 * - `transform`: MediaPipe's facial transformation matrix (`DetectedFace.transform`);
 * - `iris`: the iris points of both eyes (`DetectedFace.iris`; implies the mesh);
 * - `previous`: its own value for this face on the stream's previous frame.
 */
export type SignalNeed = 'scores' | 'mesh' | 'transform' | 'iris' | 'previous';

/** The optional fields of a WIA face that signals write. */
export type SignalField = Exclude<keyof WiaFace, 'face_id' | 'bbox' | 'emotions' | 'raw'>;

/** What a signal is computed from. */
export interface SignalInput<F extends SignalField> {
  face: DetectedFace;
  /** The face's emotion scores in WIA labels, sorted, summing to 1. */
  scores: readonly WiaEmotionScore[];
  /** Its value for this face on the stream's previous frame (only for signals that need `previous`). */
  previous: WiaFace[F] | undefined;
  /**
   * The face's mesh features (`face-features.ts`), computed on first call and shared by the face's signals;
   * `undefined` without a mesh.
   */
  features: () => FaceFeatures | undefined;
}

/** One derived signal. */
export interface DerivedSignal<F extends SignalField = SignalField> {
  /** The WIA face field it writes (also its key in a stream's state). */
  readonly field: F;
  /** The per-call switch that asks for it (declared, with its default, in `options.ts`). */
  readonly option: SignalOption;
  readonly needs: readonly SignalNeed[];
  /** The field's value, or `undefined` to leave the field out (e.g. the face has no mesh). */
  derive(input: SignalInput<F>): WiaFace[F] | undefined;
}

/** Declares a signal (keeps the field's value type tied to its `derive`). */
export function signal<F extends SignalField>(definition: DerivedSignal<F>): DerivedSignal<F> {
  return definition;
}
