/**
 * Main-thread decoding: any image a page can hold → a fresh `ImageBitmap` that can be transferred to the
 * worker (the caller's own objects are never detached). EXIF orientation is applied, so boxes refer to
 * the image as the browser displays it.
 */
import { EmoLensError } from '@emolens/schema';

/** Every input `detect` accepts. */
export type ImageInput =
  | ImageBitmap
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | OffscreenCanvas
  | VideoFrame
  | string;

const BITMAP_OPTIONS: ImageBitmapOptions = { imageOrientation: 'from-image' };

/** Decodes an input into a new `ImageBitmap`; rejects with `INVALID_IMAGE` when it is not a usable image. */
export async function decodeImage(input: ImageInput): Promise<ImageBitmap> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await toBitmap(input);
  } catch (cause) {
    if (cause instanceof EmoLensError) throw cause;
    throw invalid(`the input could not be decoded as an image (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  if (bitmap.width === 0 || bitmap.height === 0) {
    bitmap.close();
    throw invalid('the image has no pixels');
  }
  return bitmap;
}

async function toBitmap(input: ImageInput): Promise<ImageBitmap> {
  if (typeof input === 'string') return createImageBitmap(await blobFromString(input), BITMAP_OPTIONS);
  if (input instanceof Blob) return createImageBitmap(input, BITMAP_OPTIONS);
  if (input instanceof ArrayBuffer) return createImageBitmap(new Blob([input]), BITMAP_OPTIONS);
  if (ArrayBuffer.isView(input)) {
    const view = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    return createImageBitmap(new Blob([view.slice()]), BITMAP_OPTIONS);
  }
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete) await input.decode();
  }
  if (typeof HTMLVideoElement !== 'undefined' && input instanceof HTMLVideoElement && input.readyState < 2) {
    throw invalid('the video has no current frame yet (readyState < HAVE_CURRENT_DATA)');
  }
  return createImageBitmap(input as ImageBitmapSource);
}

async function blobFromString(text: string): Promise<Blob> {
  const trimmed = text.trim();
  if (trimmed.startsWith('data:')) {
    const comma = trimmed.indexOf(',');
    if (comma < 0) throw invalid('the data URL has no data');
    const meta = trimmed.slice(5, comma);
    const data = trimmed.slice(comma + 1);
    return meta.endsWith(';base64') ? new Blob([base64Bytes(data)]) : new Blob([decodeURIComponent(data)]);
  }
  if (/^(https?:|blob:|\/|\.\.?\/)/i.test(trimmed)) {
    let response: Response;
    try {
      response = await fetch(trimmed, { mode: 'cors' });
    } catch (cause) {
      throw invalid(`the image URL could not be fetched (${String(cause)})`, cause, 'Serve the image from the same origin or with CORS headers.');
    }
    if (!response.ok) throw invalid(`the image URL answered HTTP ${response.status}`);
    return response.blob();
  }
  return new Blob([base64Bytes(trimmed)]);
}

function base64Bytes(data: string): Uint8Array<ArrayBuffer> {
  const clean = data.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length === 0) throw invalid('the base64 data is malformed');
  let binary: string;
  try {
    binary = atob(clean.replace(/-/g, '+').replace(/_/g, '/'));
  } catch (cause) {
    throw invalid('the base64 data is malformed', cause);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function invalid(reason: string, cause?: unknown, suggestion = 'Pass a JPEG, PNG, WebP, GIF, BMP or AVIF image, or a decoded image object.'): EmoLensError {
  return new EmoLensError('INVALID_IMAGE', 'The provided image could not be processed', { reason, suggestion }, { cause });
}
