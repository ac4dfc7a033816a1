/**
 * What the WIA face request's options and the SDK's own options (`@emolens/core`'s options module) share: how many
 * faces are reported, how small they may be, and which optional fields a result has when nobody says. One place
 * per number.
 */

/** Most faces per image: an integer in `[min, max]`, `default` when not given (the WIA standard's). */
export const MAX_FACES = { min: 1, max: 100, default: 5 } as const;

/** Smallest face reported, in pixels of its box's larger side; the WIA request also caps it at `max`. */
export const MIN_FACE_SIZE = { min: 0, max: 100_000, default: 0 } as const;

/** Whether a face result includes each optional field when the request does not say (the WIA standard's defaults). */
export const FIELD_DEFAULTS = { dimensions: true, landmarks: false, actionUnits: false } as const;
