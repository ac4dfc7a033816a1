import { describe, expect, it } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { asEmoLensError, typed } from './error-boundary.js';

describe('asEmoLensError', () => {
  it('passes the SDK’s own errors unchanged', () => {
    const error = new EmoLensError('INVALID_IMAGE', 'bad', { kind: 'empty' });
    expect(asEmoLensError(error)).toBe(error);
  });

  it('turns a DataCloneError (a tainted image sent to the worker) into INVALID_IMAGE cross_origin', () => {
    const error = asEmoLensError(new DOMException('could not be cloned', 'DataCloneError'));
    expect(error).toMatchObject({ code: 'INVALID_IMAGE', details: { kind: 'cross_origin' } });
  });

  it('gives anything else INTERNAL_ERROR with kind "unexpected" and what was thrown as the reason', () => {
    for (const [thrown, reason] of [
      [new TypeError('x is undefined'), 'TypeError: x is undefined'],
      ['a string', 'string: a string'],
      [undefined, 'undefined: undefined'],
      [null, 'object: null'],
    ] as const) {
      const error = asEmoLensError(thrown);
      expect(error).toBeInstanceOf(EmoLensError);
      expect(error).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'unexpected', reason } });
    }
  });

  it('rejects through typed() with the converted error', async () => {
    await expect(typed(() => Promise.reject(new RangeError('boom')))).rejects.toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'unexpected' } });
  });
});
