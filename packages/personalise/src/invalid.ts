/** The one error of a bad argument in this package: `INVALID_REQUEST`, with `details.field` naming what was wrong. */
import { EmoLensError } from '@emolens/schema';

/** `INVALID_REQUEST` for `field` (a path such as `corrected.boredom` or `heads.states.w1[3]`). */
export function invalid(field: string, message: string, cause?: unknown): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', message, { field, reason: message }, cause === undefined ? undefined : { cause });
}
