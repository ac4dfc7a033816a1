import { describe, expect, it } from 'vitest';
import { assertKnownKeys, editDistance, nearestKey, readKnownOptions, readOptions, unknownOptionError } from './unknown-option.js';

const KEYS = ['maxFaces', 'minFaceSize', 'returnLandmarks', 'returnActionUnits', 'faceRange', 'timeoutMs', 'signal', 'sample_rate'];

describe('nearestKey', () => {
  it.each([
    ['maxFace', 'maxFaces'],
    ['maxfaces', 'maxFaces'],
    ['max_faces', 'maxFaces'],
    ['MaxFaces', 'maxFaces'],
    ['return_action_units', 'returnActionUnits'],
    ['retrunLandmarks', 'returnLandmarks'],
    ['timeout', 'timeoutMs'],
    ['sampleRate', 'sample_rate'],
    ['face-range', 'faceRange'],
  ])('takes %s for %s', (typo, meant) => {
    expect(nearestKey(typo, KEYS)).toBe(meant);
  });

  it('suggests nothing for a key far from every option, or a short one', () => {
    for (const key of ['colour', 'x', 'sig', 'then', 'a'.repeat(100_000)]) expect(nearestKey(key, KEYS)).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps, and stops past the limit', () => {
    expect(editDistance('abc', 'abc', 2)).toBe(0);
    expect(editDistance('abc', 'acb', 2)).toBe(1);
    expect(editDistance('abc', 'abxc', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 2)).toBe(3);
    expect(editDistance('abcdefgh', 'a', 2)).toBe(3);
  });
});

describe('unknownOptionError', () => {
  it('is INVALID_REQUEST naming the key and the one meant', () => {
    const error = unknownOptionError('maxFace', KEYS, new Map());
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe('unknown option "maxFace": did you mean "maxFaces"?');
    expect(error.details).toMatchObject({ kind: 'unknown_option', field: 'maxFace', suggestion: 'Did you mean "maxFaces"?' });
  });

  it('names the call that takes an option of another call', () => {
    const error = unknownOptionError('classifier', KEYS, new Map([['classifier', 'createDetector()']]));
    expect(error.message).toBe('"classifier" is an option of createDetector(), not of this call');
    expect(error.details['suggestion']).toBe('Give "classifier" to createDetector().');
  });

  it('lists the options when no key is close, and cuts a long key in the message', () => {
    const error = unknownOptionError('z'.repeat(500), KEYS, new Map());
    expect(error.message.length).toBeLessThan(150);
    expect(error.details['suggestion']).toContain('maxFaces, minFaceSize');
    expect(() => JSON.stringify(error)).not.toThrow();
  });
});

describe('assertKnownKeys', () => {
  it('passes known own keys, and ignores inherited ones and symbols', () => {
    expect(() => assertKnownKeys({ maxFaces: 1, signal: undefined }, KEYS)).not.toThrow();
    expect(() => assertKnownKeys(Object.create({ colour: 'red' }) as object, KEYS)).not.toThrow();
    expect(() => assertKnownKeys({ [Symbol('x')]: 1 }, KEYS)).not.toThrow();
  });

  it('refuses the first unknown key, and keys that cannot be listed', () => {
    expect(() => assertKnownKeys({ maxFaces: 1, maxFace: 2 }, KEYS)).toThrow(expect.objectContaining({ details: expect.objectContaining({ field: 'maxFace', kind: 'unknown_option' }) }));
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => assertKnownKeys(trap, KEYS)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'options' }) }));
  });
});

describe('readKnownOptions', () => {
  it('copies the known keys given, once each, and refuses a getter that throws naming its key', () => {
    let reads = 0;
    const options = Object.defineProperty({ signal: undefined }, 'maxFaces', { enumerable: true, get: () => ++reads });
    expect(readKnownOptions(options as { maxFaces?: number; signal?: unknown }, ['maxFaces', 'signal'])).toEqual({ maxFaces: 1 });
    expect(reads).toBe(1);
    const throwing = Object.defineProperty({}, 'maxFaces', { enumerable: true, get: () => { throw 42; } });
    expect(() => readKnownOptions(throwing as { maxFaces?: number }, ['maxFaces'])).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'maxFaces' }) }));
    expect(() => readKnownOptions({ maxFace: 1 } as { maxFaces?: number }, ['maxFaces'])).toThrow(expect.objectContaining({ details: expect.objectContaining({ kind: 'unknown_option' }) }));
  });
});

describe('readOptions', () => {
  it('reads keys of the object and of its own prototypes, not a key only Object.prototype has', () => {
    const polluted = Object.prototype as Record<string, unknown>;
    polluted['timeoutMs'] = 1;
    try {
      expect(readOptions({} as { timeoutMs?: number }, ['timeoutMs'])).toEqual({});
      expect(readOptions({ timeoutMs: 5 }, ['timeoutMs'])).toEqual({ timeoutMs: 5 });
      class Defaults {
        get timeoutMs(): number {
          return 7;
        }
      }
      expect(readOptions(new Defaults(), ['timeoutMs'])).toEqual({ timeoutMs: 7 });
      expect(readOptions(Object.create(null) as { timeoutMs?: number }, ['timeoutMs'])).toEqual({});
    } finally {
      delete polluted['timeoutMs'];
    }
  });
});

