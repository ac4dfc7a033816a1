/** Test helper (not shipped): the `EmoLensError` a promise rejects with. */
import { expect } from 'vitest';
import { EmoLensError } from '@emolens/schema';

/** The error `call` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(call: Promise<unknown>): Promise<EmoLensError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    return error as EmoLensError;
  }
  throw new Error('the call did not reject');
}
