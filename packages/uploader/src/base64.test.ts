import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.js';

describe('base64', () => {
  it('round-trips bytes of every value and length', () => {
    for (const length of [0, 1, 2, 3, 4, 100, 70_000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(btoa(String.fromCharCode(...bytes)));
      if (length > 0) expect(base64ToBytes(text)).toEqual(bytes);
    }
  });

  it('reads data URLs, whitespace, URL-safe letters and missing padding', () => {
    expect(base64ToBytes('data:image/jpeg;base64,/9j/')).toEqual(Uint8Array.from([0xff, 0xd8, 0xff]));
    expect(base64ToBytes('AQID\nBA==')).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(base64ToBytes('AQIDBA')).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(base64ToBytes('_-8')).toEqual(Uint8Array.from([0xff, 0xef]));
  });

  it.each([
    ['', 'empty'],
    ['data:image/png;base64,', 'empty'],
    ['not base64!', 'invalid_base64'],
    ['A', 'invalid_base64'],
    ['AQ=D', 'invalid_base64'],
    ['data:image/png,abc', 'invalid_base64'],
  ])('refuses %j with INVALID_IMAGE (%s)', (text, kind) => {
    expect(() => base64ToBytes(text)).toThrow(expect.objectContaining({ code: 'INVALID_IMAGE', details: expect.objectContaining({ kind }) }));
  });
});
