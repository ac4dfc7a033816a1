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
  const bad = (reason: string): never => {
    throw new EmoLensError('INVALID_REQUEST', `Not an EmoLens calibration: ${reason}`, { field: 'calibration', reason, suggestion: 'Pass what calibrate() returned, or null to clear it.' });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not an object');
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return bad('version must be 1');
  const units = v.actionUnits;
  if (!Array.isArray(units) || units.length !== ACTION_UNITS.length) return bad(`actionUnits must be ${ACTION_UNITS.length} numbers`);
  if (!units.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 100)) return bad('actionUnits must be finite numbers');
  let gaze: EyeGaze | undefined;
  if (v.gaze !== undefined) {
    const g = v.gaze as Record<string, unknown> | null;
    const angle = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= 90;
    if (typeof g !== 'object' || g === null || !angle(g.yaw) || !angle(g.pitch)) return bad('gaze must be { yaw, pitch } in degrees');
    gaze = { yaw: g.yaw as number, pitch: g.pitch as number };
  }
  const extra = Object.keys(v).filter((k) => !['version', 'actionUnits', 'gaze'].includes(k));
  if (extra.length > 0) return bad(`unknown field ${extra[0]}`);
  return { version: 1, actionUnits: [...(units as number[])], ...(gaze ? { gaze } : {}) };
}
