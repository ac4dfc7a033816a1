/**
 * A face's neutral baseline: the raw action-unit measures (`action-units.ts`) and the eye-in-head gaze of the face
 * at rest. Action units are then measured from it instead of the population's neutral, and gaze relative to it.
 *
 * Learned two ways (see `docs/signals.md`, "Calibration"):
 * - explicitly, by `detector.calibrate(neutralFrame)`: the one face's values on that frame;
 * - on a stream, per face and by default, by `BaselineLearner` (`track/baseline-learner.ts`): each value's running lower quantile (the
 *   level the face rests at; expressions are the excursions above it) and gaze's running median, starting from the
 *   explicit baseline when there is one, else from the population's.
 * Still images use only an explicit baseline (none by default).
 */
import { ACTION_UNITS, EmoLensError } from '@emolens/schema';

/** Eye-in-head gaze angles in degrees. */
export interface EyeGaze {
  yaw: number;
  pitch: number;
}

/** A face's neutral values, as `calibrate()` returns them and `setCalibration()` takes them (plain JSON). */
export interface Baseline {
  /** Format version (1). */
  version: 1;
  /** Raw measure of each action unit, in `ACTION_UNITS` order. */
  actionUnits: number[];
  /** Eye-in-head gaze at rest, when the irises were located. */
  gaze?: EyeGaze;
}

/**
 * `value` checked as a {@link Baseline} (e.g. one kept as JSON by the app) and copied.
 * @throws EmoLensError `INVALID_REQUEST`, `details.field: 'calibration'`, for anything else: not an object, another
 * version, the wrong number of action units, a value that is not a finite number.
 */
export function parseBaseline(value: unknown): Baseline {
  try {
    return readBaseline(value);
  } catch (error) {
    if (error instanceof EmoLensError) throw error;
    // A getter or proxy trap that throws: the value cannot be read, so it is no calibration.
    return invalidBaseline('it cannot be read');
  }
}

function invalidBaseline(reason: string): never {
  throw new EmoLensError('INVALID_REQUEST', `Not an EmoLens calibration: ${reason}`, { field: 'calibration', reason, suggestion: 'Pass what calibrate() returned, or null to clear it.' });
}

function readBaseline(value: unknown): Baseline {
  const bad = invalidBaseline;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not an object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return bad('version must be 1');
  // Each value is read once, then checked: a getter cannot show one value to the check and another to the copy.
  const given = v.actionUnits;
  if (!Array.isArray(given) || given.length !== ACTION_UNITS.length) return bad(`actionUnits must be ${ACTION_UNITS.length} numbers`);
  const units: unknown[] = Array.from(given);
  if (units.length !== ACTION_UNITS.length || !units.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 100)) return bad('actionUnits must be finite numbers');
  let gaze: EyeGaze | undefined;
  const g = v.gaze;
  if (g !== undefined) {
    if (typeof g !== 'object' || g === null) return bad('gaze must be { yaw, pitch } in degrees');
    const { yaw, pitch } = g as Record<string, unknown>;
    const angle = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= 90;
    if (!angle(yaw) || !angle(pitch)) return bad('gaze must be { yaw, pitch } in degrees');
    gaze = { yaw, pitch };
  }
  const extra = Object.keys(v).filter((k) => !['version', 'actionUnits', 'gaze'].includes(k));
  if (extra.length > 0) return bad(`unknown field ${extra[0]}`);
  return { version: 1, actionUnits: units as number[], ...(gaze ? { gaze } : {}) };
}
