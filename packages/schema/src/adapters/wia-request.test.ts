/**
 * `parseWiaFaceRequest` on bodies built in JavaScript rather than parsed from JSON: a getter or proxy that throws
 * is a bad request naming what could not be read (found by the browser fuzzer; each was INTERNAL_ERROR before).
 */
import { describe, expect, it } from 'vitest';
import { EmoLensError } from '../errors.js';
import { parseWiaFaceRequest } from './wia-request.js';
import { revoked, trap } from '../testing/hostile.js';

/** The `details.field` of the INVALID_REQUEST that `body` gets. */
function rejectedField(body: unknown): unknown {
  try {
    parseWiaFaceRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
    expect(() => JSON.stringify(error)).not.toThrow();
    return (error as EmoLensError).details.field;
  }
  throw new Error('expected INVALID_REQUEST');
}


describe('a WIA request body that throws when read', () => {
  it('names the body when its keys cannot be listed', () => {
    expect(rejectedField(new Proxy({ image_url: 'a.jpg' }, { ownKeys: trap }))).toBe('body');
    expect(rejectedField(revoked())).toBe('body');
  });

  it('names the field whose getter throws', () => {
    expect(rejectedField(Object.defineProperty({}, 'image_base64', { get: trap, enumerable: true }))).toBe('image_base64');
    expect(rejectedField(Object.defineProperty({ image_url: 'a.jpg' }, 'options', { get: trap, enumerable: true }))).toBe('options');
  });

  it('names the options, or the option, that cannot be read', () => {
    expect(rejectedField({ image_url: 'a.jpg', options: new Proxy({}, { ownKeys: trap }) })).toBe('options');
    expect(rejectedField({ image_url: 'a.jpg', options: revoked() })).toBe('options');
    expect(rejectedField({ image_url: 'a.jpg', options: Object.defineProperty({}, 'max_faces', { get: trap, enumerable: true }) })).toBe('options.max_faces');
    expect(rejectedField({ image_url: 'a.jpg', options: { max_faces: revoked() } })).toBe('options.max_faces');
  });

  it('reads each value once', () => {
    let reads = 0;
    const body = Object.defineProperty({}, 'image_url', { enumerable: true, get: () => (reads++ === 0 ? 'a.jpg' : 42) });
    expect(parseWiaFaceRequest(body).image_url).toBe('a.jpg');
    expect(reads).toBe(1);
  });
});
