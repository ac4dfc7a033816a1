import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { cutScan, makeJpeg, pngHeader } from '../server.fixture.js';
import { decodeBase64 } from './base64.js';
import { inspectImage, MAX_IMAGE_SIDE, sniffImageFormat } from './inspect.js';
import { imageKey, parseImageKey, uuidv7, uuidv7Time } from './keys.js';

/** The error `promise` rejects with, as an ApiError. */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('inspectImage', () => {
  it('accepts whole JPEG, PNG and WebP images and reports type and size', async () => {
    const create = { width: 40, height: 30, channels: 3 as const, background: { r: 200, g: 10, b: 10 } };
    expect(await inspectImage(await makeJpeg(160, 120))).toEqual({ type: 'image/jpeg', extension: 'jpg', width: 160, height: 120 });
    expect(await inspectImage(await sharp({ create }).png().toBuffer())).toEqual({ type: 'image/png', extension: 'png', width: 40, height: 30 });
    expect(await inspectImage(await sharp({ create }).webp().toBuffer())).toEqual({ type: 'image/webp', extension: 'webp', width: 40, height: 30 });
  });

  it('refuses other formats and non-images as unsupported_type, before any decoder sees them', async () => {
    const create = { width: 8, height: 8, channels: 3 as const, background: { r: 0, g: 0, b: 0 } };
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    for (const bytes of [Buffer.from('just some text, not an image'), await sharp({ create }).gif().toBuffer(), await sharp({ create }).tiff().toBuffer(), svg]) {
      const error = await failure(inspectImage(bytes));
      expect([error.code, error.details['kind'], error.statusCode]).toEqual(['INVALID_IMAGE', 'unsupported_type', 400]);
    }
  });

  it('refuses truncated and corrupt files as undecodable', async () => {
    const jpeg = await makeJpeg();
    const png = await sharp(await makeJpeg(64)).png().toBuffer();
    const corrupt = Buffer.from(jpeg);
    corrupt.fill(0xff, 200, 600);
    for (const bytes of [jpeg.subarray(0, jpeg.length >> 1), jpeg.subarray(0, jpeg.length - 50), png.subarray(0, png.length - 30), corrupt, jpeg.subarray(0, 3)]) {
      const error = await failure(inspectImage(bytes));
      expect([error.code, error.details['kind']]).toEqual(['INVALID_IMAGE', 'undecodable']);
    }
  });

  it('refuses bytes after the end of a JPEG, PNG or WebP (another file riding along) as undecodable', async () => {
    const create = { width: 40, height: 30, channels: 3 as const, background: { r: 200, g: 10, b: 10 } };
    const images = [await makeJpeg(64, 48), await sharp({ create }).png().toBuffer(), await sharp({ create }).webp().toBuffer()];
    for (const image of images) {
      for (const tail of [Buffer.from([0]), Buffer.alloc(5000, 0x42), image]) {
        const error = await failure(inspectImage(Buffer.concat([image, tail])));
        expect([error.code, error.details['kind']]).toEqual(['INVALID_IMAGE', 'undecodable']);
        expect(error.details['reason']).toBe(`${tail.length} bytes follow the end of the image: it is not one whole image file`);
      }
      await expect(inspectImage(image)).resolves.toMatchObject({ width: expect.any(Number) });
    }
  });

  it('proves a JPEG whole by its structure, and decodes it too with decodeJpeg', async () => {
    const jpeg = await makeJpeg(160, 120);
    // The scan cut short: every marker is intact, but the decoder runs out of data.
    const spliced = cutScan(jpeg);
    expect(await inspectImage(spliced)).toEqual({ type: 'image/jpeg', extension: 'jpg', width: 160, height: 120 });
    const error = await failure(inspectImage(spliced, { decodeJpeg: true }));
    expect([error.code, error.details['kind']]).toEqual(['INVALID_IMAGE', 'undecodable']);
    expect(await inspectImage(jpeg, { decodeJpeg: true })).toEqual({ type: 'image/jpeg', extension: 'jpg', width: 160, height: 120 });
    // The walk's finding is the error's reason.
    expect((await failure(inspectImage(jpeg.subarray(0, 1000)))).details['reason']).toMatch(/ends inside a scan/);
  });

  it('refuses a JPEG over the size limits from its frame header (413)', async () => {
    const jpeg = await makeJpeg(64, 48);
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    const huge = Buffer.from(jpeg);
    huge.writeUInt16BE(20_000, sof + 5);
    huge.writeUInt16BE(20_000, sof + 7);
    const error = await failure(inspectImage(huge));
    expect([error.code, error.details['kind'], error.details['width']]).toEqual(['IMAGE_TOO_LARGE', 'too_large', 20_000]);
  });

  it('refuses a 20000×20000 header without decoding it (413 IMAGE_TOO_LARGE)', async () => {
    // Its data holds no pixels: had it been decoded, the error would say `undecodable`.
    const error = await failure(inspectImage(pngHeader(20_000, 20_000)));
    expect([error.code, error.details['kind'], error.statusCode]).toEqual(['IMAGE_TOO_LARGE', 'too_large', 413]);
  });

  it('refuses an image longer than the side limit even under the pixel limit', async () => {
    const error = await failure(inspectImage(pngHeader(MAX_IMAGE_SIDE + 1, 16)));
    expect([error.code, error.details['kind'], error.details['width']]).toEqual(['IMAGE_TOO_LARGE', 'too_large', MAX_IMAGE_SIDE + 1]);
  });

  it('recognises containers by magic bytes', () => {
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(pngHeader(1, 1))).toBe('png');
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffImageFormat(new Uint8Array(0))).toBeNull();
  });
});

describe('decodeBase64', () => {
  it('decodes padded and unpadded base64', () => {
    expect(decodeBase64('aGVsbG8=').toString()).toBe('hello');
    expect(decodeBase64('aGVsbG8').toString()).toBe('hello');
  });

  it('refuses lengths no base64 has (the alphabet is the schema\'s job)', () => {
    for (const text of ['aGVsb', 'aGVsbG8==', '====', 'a']) {
      let error: unknown;
      try {
        decodeBase64(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(ApiError);
      expect((error as ApiError).details['kind'], text).toMatch(/invalid_base64|empty/);
    }
  });
});

describe('image keys', () => {
  it('makes time-ordered UUIDv7 ids and keys that name their row and date', () => {
    const at = Date.UTC(2025, 2, 4, 5, 6, 7, 8);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)).toBe(at);
    expect(uuidv7(at + 1) > id).toBe(true);
    const key = imageKey(id, 'jpg');
    expect(key).toBe(`images/2025/03/${id}.jpg`);
    expect(parseImageKey(key)).toEqual({ id, writtenAt: at });
    expect(parseImageKey('images/2025/03/not-a-uuid.jpg')).toBeNull();
    expect(parseImageKey(`other/${id}.jpg`)).toBeNull();
  });
});
