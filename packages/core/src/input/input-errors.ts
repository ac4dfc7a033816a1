/**
 * Input errors, all with a stable `code` and a `details.kind` the REST adapters map to their own bodies
 * (e.g. the webcam API's "Invalid base64 data").
 */
import { EmoLensError, type InputErrorKind } from '@emolens/schema';

const SUGGESTION = 'Pass a JPEG, PNG, WebP, GIF, BMP or AVIF image (file, bytes, data URL, base64 or URL), or a decoded image object.';

/** What to do about a download that failed: the format was never the problem. */
const FETCH_SUGGESTION = 'Check that the URL answers 200 with the image and, on another origin, that it allows this page with CORS (Access-Control-Allow-Origin); or pass the image itself.';

/** `INVALID_IMAGE` with its kind (`extra` may carry its own `suggestion`). */
export function invalidImage(kind: Exclude<InputErrorKind, 'missing_image' | 'too_large'>, reason: string, extra: Record<string, unknown> = {}, cause?: unknown): EmoLensError {
  const suggestion = kind === 'fetch_failed' ? FETCH_SUGGESTION : SUGGESTION;
  return new EmoLensError('INVALID_IMAGE', 'The provided image could not be processed', { reason, suggestion, kind, ...extra }, { cause });
}

/** `INVALID_REQUEST`: no input, or an input of a type the SDK does not take. */
export function invalidInput(reason: string, kind?: 'missing_image'): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', 'The request has no usable image', { reason, suggestion: SUGGESTION, field: 'input', ...(kind ? { kind } : {}) });
}

/** `IMAGE_TOO_LARGE` for a download that passed the byte cap (it is stopped there). */
export function downloadTooLarge(bytes: number, maxBytes: number): EmoLensError {
  return new EmoLensError('IMAGE_TOO_LARGE', `The image download passed the limit of ${maxBytes} bytes`, {
    reason: `${bytes} bytes > maxBytes ${maxBytes}`,
    suggestion: 'Serve a smaller image, or raise the detector option maxBytes.',
    kind: 'too_large',
    bytes,
    maxBytes,
  });
}

/** `IMAGE_TOO_LARGE`, raised before the pixels are decoded. */
export function imageTooLarge(width: number, height: number, maxPixels: number): EmoLensError {
  return new EmoLensError('IMAGE_TOO_LARGE', `The image is ${width}×${height} pixels, more than the limit of ${maxPixels}`, {
    reason: `${width * height} pixels > maxPixels ${maxPixels}`,
    suggestion: 'Downscale the image, or raise the detector option maxPixels.',
    kind: 'too_large',
    width,
    height,
    maxPixels,
  });
}
