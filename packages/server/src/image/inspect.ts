/**
 * Checks that uploaded bytes are a whole JPEG, PNG or WebP image of a sane size, without re-encoding it. The
 * container is recognised from its magic bytes and its dimensions are read from the header, so an image over the
 * limits is refused before any pixel is decoded. Then the file is proven whole:
 * - a JPEG by a walk over its markers and entropy-coded data (`jpeg-structure.ts`): truncation, cut segments and
 *   foreign bytes fail there as they fail a decoder, at about 1 % of a decode's cost; JPEG is what the uploader
 *   sends, so it is the path every insert takes (`decodeJpeg` decodes it as well, after the walk);
 * - a PNG or WebP by a full decode, shrunk on load, so a truncated or corrupt file is refused too.
 * Bytes after the image's own end (its EOI marker, IEND chunk or RIFF size) are refused: a decoder never reads them,
 * so anything could ride along inside a stored "face".
 */
import sharp from 'sharp';
import { INSERT_IMAGE_MAX_SIDE } from '@emolens/schema';
import { ApiError } from '../errors.js';
import { pngLength, webpLength } from './container-length.js';
import { JpegStructureError, readJpegStructure } from './jpeg-structure.js';

/** Largest accepted width or height (the uploader's `maxSide` is capped at it too). */
export const MAX_IMAGE_SIDE = INSERT_IMAGE_MAX_SIDE;
/** Largest accepted number of pixels (16 MP), checked by libvips before it decodes anything. */
export const MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;
/**
 * Size of the throw-away thumbnail the full decode produces: small, so a decode check allocates kilobytes, not
 * `width × height × 3` bytes; JPEG decodes at 1/8 scale for it (shrink-on-load) and still reads every scan.
 */
const CHECK_SIDE = 64;

/** A MIME type the server stores. */
export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** What {@link inspectImage} found. */
export interface ImageInfo {
  type: ImageType;
  /** File extension of the type, without the dot. */
  extension: 'jpg' | 'png' | 'webp';
  width: number;
  height: number;
}

const FORMATS = {
  jpeg: { type: 'image/jpeg', extension: 'jpg' },
  png: { type: 'image/png', extension: 'png' },
  webp: { type: 'image/webp', extension: 'webp' },
} as const;

/** The container `bytes` start with, by magic number; `null` for anything else (GIF, SVG, TIFF, HEIF, text…). */
export function sniffImageFormat(bytes: Uint8Array): keyof typeof FORMATS | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** Options of {@link inspectImage}. */
export interface InspectOptions {
  /** Decode a JPEG too, after the walk proved it whole, so corrupt scan data is refused as well. Defaults to `false`. */
  decodeJpeg?: boolean;
}

/**
 * The type and size of the image in `bytes`. Throws 400 `INVALID_IMAGE` with `details.kind` `unsupported_type`
 * (not JPEG/PNG/WebP) or `undecodable` (corrupt, truncated), and 413 `IMAGE_TOO_LARGE` (`too_large`) for more than
 * {@link MAX_IMAGE_SIDE} pixels on a side or {@link MAX_IMAGE_PIXELS} in all.
 */
export async function inspectImage(bytes: Buffer, options: InspectOptions = {}): Promise<ImageInfo> {
  const format = sniffImageFormat(bytes);
  if (format === null) {
    throw new ApiError('INVALID_IMAGE', 'The image is not a JPEG, PNG or WebP file', {
      kind: 'unsupported_type',
      field: 'image_base64',
      suggestion: 'Send a JPEG, PNG or WebP image.',
    });
  }
  if (format === 'jpeg') {
    const walked = inspectJpeg(bytes);
    if (options.decodeJpeg !== true) return walked;
  } else {
    const length = format === 'png' ? pngLength(bytes) : webpLength(bytes);
    if (length !== undefined && length < bytes.length) throw trailingBytes(bytes.length - length);
  }
  // `failOn: 'warning'` makes libjpeg's "premature end of data" a failure, not a grey bottom half.
  const image = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, sequentialRead: true, failOn: 'warning' });
  let width: number;
  let height: number;
  try {
    const metadata = await image.metadata();
    if (metadata.format !== format) throw new Error(`header says ${metadata.format}`);
    width = metadata.width ?? 0;
    height = metadata.height ?? 0;
  } catch (error) {
    throw decodeError(error);
  }
  if (width < 1 || height < 1) throw undecodable();
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) throw tooLarge(width, height);
  try {
    await image.resize({ width: CHECK_SIDE, height: CHECK_SIDE, fit: 'inside', kernel: 'nearest' }).raw().toBuffer();
  } catch (error) {
    throw decodeError(error);
  }
  return { ...FORMATS[format], width, height };
}

function inspectJpeg(bytes: Buffer): ImageInfo {
  let structure;
  try {
    structure = readJpegStructure(bytes);
  } catch (error) {
    if (!(error instanceof JpegStructureError)) throw error;
    if (error.reason === 'unsupported') {
      throw new ApiError('INVALID_IMAGE', 'The JPEG uses a coding browsers do not decode', {
        kind: 'unsupported_type',
        field: 'image_base64',
        reason: error.message,
        suggestion: 'Send a baseline or progressive 8-bit JPEG, as browsers and cameras write them.',
      });
    }
    throw undecodable(error.message);
  }
  const { width, height } = structure;
  if (structure.length < bytes.length) throw trailingBytes(bytes.length - structure.length);
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) throw tooLarge(width, height);
  return { ...FORMATS.jpeg, width, height };
}

function decodeError(error: unknown): ApiError {
  // libvips checks `limitInputPixels` against the header before decoding: the one failure that is about size.
  if (error instanceof Error && /pixel limit/i.test(error.message)) return tooLarge();
  return undecodable();
}

function undecodable(reason?: string): ApiError {
  return new ApiError('INVALID_IMAGE', 'The image could not be decoded: it is corrupt or truncated', {
    kind: 'undecodable',
    field: 'image_base64',
    ...(reason === undefined ? {} : { reason }),
    suggestion: 'Send the whole file, encoded once.',
  });
}

function trailingBytes(count: number): ApiError {
  return undecodable(`${count} bytes follow the end of the image: it is not one whole image file`);
}

function tooLarge(width?: number, height?: number): ApiError {
  return new ApiError('IMAGE_TOO_LARGE', `The image is larger than ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} pixels`, {
    kind: 'too_large',
    field: 'image_base64',
    ...(width === undefined ? {} : { width, height }),
    max_side: MAX_IMAGE_SIDE,
    max_pixels: MAX_IMAGE_PIXELS,
    suggestion: `Scale the image down to at most ${MAX_IMAGE_SIDE} pixels on its longer side.`,
  });
}
