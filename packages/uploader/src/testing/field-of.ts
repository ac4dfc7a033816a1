import { isEmoLensError } from '@emolens/schema';

/** The `details.field` of the `INVALID_REQUEST` that `f` throws (anything else it throws is rethrown); `undefined` if it returns. */
export function fieldOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (isEmoLensError(e) && e.code === 'INVALID_REQUEST') return e.details.field;
    throw e;
  }
  return undefined;
}
