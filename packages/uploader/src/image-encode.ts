/**
 * Turns any image the uploader takes into a JPEG no larger than `maxSide` on its longest side, in the page (no
 * worker): decode with `createImageBitmap` (or the element itself), draw scaled on an `OffscreenCanvas` (a `<canvas>`
 * where there is none) over white, and encode with `convertToBlob`/`toBlob`. Re-encoding also drops the original file's
 * metadata (EXIF: camera, GPS position, time) before anything is stored or sent.
 */
import { EmoLensError, isPlatform } from '@emolens/schema';
import { base64ToBytes } from './base64.js';

/**
 * An image to submit: a `Blob`/`File` (JPEG, PNG, WebP, or anything else the browser decodes), an `ImageBitmap`,
 * an `<img>` (same-origin or CORS-enabled), a `<canvas>`, an `OffscreenCanvas`, an `ImageData`, or a base64 string or
 * base64 `data:` URL.
 */
export type UploadImage = Blob | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageData | string;

/** The re-encoded image. */
export interface EncodedImage {
  /** The JPEG file's bytes. */
  bytes: Uint8Array;
  /** Its size in pixels. */
  width: number;
  height: number;
}

/** Settings of {@link encodeImage}. */
export interface EncodeSettings {
  /** Longest side of the output in pixels; smaller images keep their size. */
  maxSide: number;
  /** JPEG quality in (0, 1]. */
  quality: number;
}

/**
 * The size of an image of `width` × `height` scaled so its longest side is at most `maxSide` (never enlarged; each
 * side at least 1 pixel).
 */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Decodes `image`, scales it to fit `maxSide`, and encodes it as JPEG. Throws `INVALID_IMAGE` with `details.kind`:
 * `empty`, `invalid_base64`, `undecodable`, `unsupported_type` or `cross_origin` (a tainted `<img>`/`<canvas>`).
 */
export async function encodeImage(image: UploadImage, settings: EncodeSettings): Promise<EncodedImage> {
  const { source, owned } = await decode(image);
  try {
    const sourceWidth = 'naturalWidth' in source ? source.naturalWidth : source.width;
    const sourceHeight = 'naturalHeight' in source ? source.naturalHeight : source.height;
    if (!(sourceWidth > 0 && sourceHeight > 0)) throw new EmoLensError('INVALID_IMAGE', 'The image has no pixels', { kind: 'empty' });
    const { width, height } = fitWithin(sourceWidth, sourceHeight, settings.maxSide);
    const canvas = makeCanvas(width, height);
    const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!context) throw new EmoLensError('INTERNAL_ERROR', 'No 2D canvas context to re-encode the image', { kind: 'unexpected' });
    // JPEG has no alpha: transparent pixels become white, not black.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(source, 0, 0, width, height);
    const blob = await toJpeg(canvas, settings.quality);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
      throw new EmoLensError('INTERNAL_ERROR', `This browser did not encode a JPEG (got ${blob.type || 'an unknown type'})`, { kind: 'unexpected' });
    }
    return { bytes, width, height };
  } finally {
    if (owned) (source as ImageBitmap).close();
  }
}

type Drawable = ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas;

/** A drawable for `image`; `owned`: an ImageBitmap made here, to close after use. */
async function decode(image: UploadImage): Promise<{ source: Drawable; owned: boolean }> {
  if (typeof image === 'string') return { source: await bitmapOf(new Blob([base64ToBytes(image) as Uint8Array<ArrayBuffer>])), owned: true };
  // Checked by brand, not instanceof: an image made in a same-origin iframe or popup is as good as the page's own.
  if (isPlatform(image, 'Blob')) {
    const blob = image as Blob;
    if (blob.size === 0) throw new EmoLensError('INVALID_IMAGE', 'The image file is empty', { kind: 'empty' });
    return { source: await bitmapOf(blob), owned: true };
  }
  if (isPlatform(image, 'ImageData')) return { source: await bitmapOf(image as ImageData), owned: true };
  if (isPlatform(image, 'HTMLImageElement')) {
    const img = image as HTMLImageElement;
    if (!img.complete || img.naturalWidth === 0) {
      try {
        await img.decode();
      } catch (cause) {
        throw new EmoLensError('INVALID_IMAGE', `The <img> could not be decoded: ${img.currentSrc || img.src || 'no src'}`, { kind: 'undecodable' }, { cause });
      }
      return { source: img, owned: false };
    }
    return { source: await bitmapOf(img), owned: true }; // copied at the call, as a canvas is (below)
  }
  if (isPlatform(image, 'ImageBitmap') || isPlatform(image, 'HTMLCanvasElement') || isPlatform(image, 'OffscreenCanvas')) {
    const canvas = image as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
    // Copied now, before the first await: the app may draw its next frame on this canvas, or close this bitmap,
    // as soon as submit() returns. What is queued is the picture it passed.
    if (!(canvas.width > 0 && canvas.height > 0)) throw new EmoLensError('INVALID_IMAGE', 'The image has no pixels', { kind: 'empty' });
    return { source: await bitmapOf(canvas), owned: true };
  }
  throw new EmoLensError('INVALID_IMAGE', 'Not an image the uploader takes: pass a Blob/File, ImageBitmap, <img>, <canvas>, OffscreenCanvas, ImageData or base64 string', {
    kind: 'unsupported_type',
  });
}

async function bitmapOf(source: Blob | ImageData | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(source);
  } catch (cause) {
    throw new EmoLensError('INVALID_IMAGE', 'The image could not be decoded', { kind: 'undecodable', reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
}

function makeCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

async function toJpeg(canvas: OffscreenCanvas | HTMLCanvasElement, quality: number): Promise<Blob> {
  try {
    if ('convertToBlob' in canvas) return await canvas.convertToBlob({ type: 'image/jpeg', quality });
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob gave no blob'))), 'image/jpeg', quality);
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'SecurityError') {
      throw new EmoLensError('INVALID_IMAGE', 'The image is cross-origin without CORS: the page may not read its pixels', { kind: 'cross_origin' }, { cause });
    }
    throw new EmoLensError('INTERNAL_ERROR', 'The image could not be encoded as JPEG', { kind: 'unexpected', reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
}
