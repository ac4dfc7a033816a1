/**
 * Main-thread decoding: any image a page can hold → a fresh `ImageBitmap` that can be transferred to the
 * worker (the caller's own objects are never detached or closed). EXIF orientation is applied, so boxes
 * refer to the image as the browser displays it. Byte inputs are sniffed first: what is not a raster image,
 * and images over the pixel cap, are refused before anything is decoded. The bitmap is at the source size: the
 * pipeline worker downscales it for detection (`pipeline/frame/detection-size.ts`), off the main thread.
 */
import { isPlatform, type PlatformInterface } from '@emolens/schema';
import type { ResolvedDetectorOptions } from '../options.js';
import { fetchBytes, type FetchErrors } from './fetch-bytes.js';
import { downloadTooLarge, imageTooLarge, invalidImage, invalidInput } from './input-errors.js';
import { jpegFrameSize, SNIFF_BYTES, sniffImage } from './sniff.js';
import { readingOf } from './string-input.js';
import { videoFrameBitmap } from './video-frame-bitmap.js';

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

const FROM_IMAGE: ImageBitmapOptions = { imageOrientation: 'from-image' };

/** The caps a decode works under, and the call's signal (aborting cancels a URL download). */
export type DecodeLimits = Pick<ResolvedDetectorOptions, 'maxPixels' | 'maxBytes'> & { signal?: AbortSignal | undefined };

/** How a string input may be read. */
export interface StringRules {
  /**
   * Read strings as data: a data URL or bare base64, never a URL to fetch (a WIA request's `image_base64`: a
   * request body must never make the device fetch an address it did not ask for).
   */
  dataOnly?: boolean;
}

/**
 * Decodes an input; rejects with `INVALID_IMAGE`, `INVALID_REQUEST` or `IMAGE_TOO_LARGE` (each with `details.kind`).
 *
 * The input is read before this returns, as a platform API reads its arguments: bytes are copied, a canvas,
 * `ImageData`, `ImageBitmap`, `<video>` or `VideoFrame` is snapshotted. A caller that draws the next frame on its
 * canvas, reuses its buffer or closes its bitmap right after the call still gets the answer for what it passed.
 *
 * A string is read by the rules of {@link readingOf}: data URLs and base64 are decoded, http(s), blob and
 * relative URLs are fetched, other schemes are refused.
 */
export function decodeImage(input: ImageInput, limits: DecodeLimits, rules: StringRules = {}): Promise<ImageBitmap> {
  let held: HeldInput;
  try {
    held = holdInput(input, limits.maxPixels);
  } catch (cause) {
    return Promise.reject(inputError(cause));
  }
  if ('text' in held) return blobFromString(held.text, limits, rules).then((blob) => decodeBytes(blob, limits.maxPixels));
  if ('bytes' in held) return decodeBytes(held.bytes, limits.maxPixels);
  if ('image' in held) return decodeImageElement(held.image, limits.maxPixels);
  return settled(held.bitmap, limits.maxPixels);
}

/** An input as read at the call: text to read, bytes, an `<img>` still loading, or a snapshot being taken. */
type HeldInput = { text: string } | { bytes: Blob } | { image: HTMLImageElement } | { bitmap: Promise<ImageBitmap> };

/** The image objects whose size is their `width` and `height`. */
const SIZED: readonly PlatformInterface[] = ['ImageBitmap', 'ImageData', 'HTMLCanvasElement', 'OffscreenCanvas'];

/**
 * Reads `input` now (see {@link decodeImage}), refusing what is not an image and, from the size alone, what is over
 * the pixel cap. Inputs from another realm (a same-origin iframe) are taken as the platform takes them. What the
 * caller's object throws while it is read (a getter, a proxy trap) becomes `INVALID_REQUEST` ({@link inputError}).
 */
function holdInput(input: ImageInput, maxPixels: number): HeldInput {
  if (input === undefined || input === null) throw invalidInput('no image was given', 'missing_image');
  if (typeof input === 'string') return { text: input };
  // Only Blob's own methods read a Blob: a subclass that overrides them is read as the bytes it holds.
  if (isPlatform(input, 'Blob')) return { bytes: Blob.prototype.slice.call(input, 0, undefined, (input as Blob).type) };
  if (ArrayBuffer.isView(input) || isPlatform(input, 'ArrayBuffer') || isPlatform(input, 'SharedArrayBuffer')) return { bytes: bytesBlob(input as ArrayBufferLike | ArrayBufferView) };
  if (isPlatform(input, 'HTMLImageElement')) {
    const image = input as HTMLImageElement;
    if (!image.complete || image.naturalWidth === 0) return { image };
    checkSize(image.naturalWidth, image.naturalHeight, maxPixels);
  } else if (isPlatform(input, 'VideoFrame')) {
    const frame = input as VideoFrame;
    checkSize(frame.displayWidth, frame.displayHeight, maxPixels);
    return { bitmap: videoFrameBitmap(frame) };
  } else if (isPlatform(input, 'HTMLVideoElement')) {
    const video = input as HTMLVideoElement;
    if (video.readyState < 2) throw invalidImage('empty', 'the video has no current frame yet (readyState < HAVE_CURRENT_DATA)');
    checkSize(video.videoWidth, video.videoHeight, maxPixels);
  } else if (isPlatform(input, 'SVGImageElement')) {
    // Without width and height attributes an SVG <image> takes its picture's size: then its bitmap is checked.
    const { width, height } = input as unknown as SVGImageElement;
    if (width.baseVal.value > 0 && height.baseVal.value > 0) checkSize(width.baseVal.value, height.baseVal.value, maxPixels);
  } else if (SIZED.some((name) => isPlatform(input, name))) {
    const { width, height } = input as { width: number; height: number };
    checkSize(width, height, maxPixels);
  } else {
    throw invalidInput(`${describeValue(input)} is not an image input`);
  }
  return { bitmap: createImageBitmap(input as ImageBitmapSource) };
}

/**
 * A copy of the bytes of a buffer or a view (any typed array or `DataView`, at its offset). Copied here: the Blob
 * constructor refuses a resizable buffer and a view over a shared one.
 */
function bytesBlob(input: ArrayBufferLike | ArrayBufferView): Blob {
  // A transferred (detached) buffer, or a view over one, has no bytes left: it cannot even be sliced.
  if (input.byteLength === 0) throw invalidImage('empty', 'the buffer or typed array has no bytes (it may have been transferred)');
  const view = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  return new Blob([view.slice()]);
}

function checkSize(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) throw invalidImage('empty', 'the image has no pixels');
  if (width * height > maxPixels) throw imageTooLarge(width, height, maxPixels);
}

/** The SDK's own errors as they are; anything else thrown while reading the input came from the input object. */
function inputError(cause: unknown): Error {
  if (cause instanceof Error && cause.name === 'EmoLensError') return cause;
  return invalidInput(`the input could not be read (${message(cause)})`);
}

/** An `<img>` still loading: decoded first (a broken one is `undecodable`), then copied. */
async function decodeImageElement(image: HTMLImageElement, maxPixels: number): Promise<ImageBitmap> {
  try {
    await image.decode();
  } catch (cause) {
    throw invalidImage('undecodable', `the <img> could not be decoded (${message(cause)})`, {}, cause);
  }
  checkSize(image.naturalWidth, image.naturalHeight, maxPixels);
  return settled(createImageBitmap(image), maxPixels);
}

/** A copy being taken, once taken and checked; a source the browser cannot copy is `undecodable`. */
async function settled(bitmap: Promise<ImageBitmap>, maxPixels: number): Promise<ImageBitmap> {
  try {
    return checked(await bitmap, maxPixels);
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'EmoLensError') throw cause;
    throw invalidImage('undecodable', `the image could not be read (${message(cause)})`, {}, cause);
  }
}

async function decodeBytes(blob: Blob, maxPixels: number): Promise<ImageBitmap> {
  if (blob.size === 0) throw invalidImage('empty', 'the image has no bytes');
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const sniffed = sniffImage(head);
  if (!sniffed) throw invalidImage('unsupported_type', `the data is not a raster image (${describe(head)})`, { type: blob.type || undefined });
  const format = sniffed.format.toUpperCase();
  if (sniffed.damaged) throw invalidImage('undecodable', `the ${format} signature is followed by something else (${describe(head.subarray(8))})`, { format: sniffed.format });
  const { width, height } = sniffed.format === 'jpeg' && sniffed.width === undefined ? await jpegFrameSize(blob) : sniffed;
  // A JPEG's size is known before its pixels: a decoder that found none would have decoded nothing.
  if (sniffed.format === 'jpeg' && width === undefined) throw invalidImage('undecodable', 'the JPEG has no frame header before its image data', { format: sniffed.format });
  if (width !== undefined && height !== undefined && width * height > maxPixels) throw imageTooLarge(width, height, maxPixels);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, FROM_IMAGE);
  } catch (cause) {
    throw invalidImage('undecodable', `the ${format} data could not be decoded (${message(cause)})`, { format: sniffed.format }, cause);
  }
  return checked(bitmap, maxPixels);
}

function checked(bitmap: ImageBitmap, maxPixels: number): ImageBitmap {
  if (bitmap.width === 0 || bitmap.height === 0) {
    bitmap.close();
    throw invalidImage('empty', 'the image has no pixels');
  }
  if (bitmap.width * bitmap.height > maxPixels) {
    const { width, height } = bitmap;
    bitmap.close();
    throw imageTooLarge(width, height, maxPixels);
  }
  return bitmap;
}

async function blobFromString(text: string, limits: DecodeLimits, rules: StringRules): Promise<Blob> {
  const trimmed = text.trim();
  if (trimmed === '') throw invalidInput('the image string is empty', 'missing_image');
  switch (readingOf(trimmed, rules.dataOnly === true)) {
    case 'data-url': {
      const comma = trimmed.indexOf(',');
      if (comma < 0) throw invalidImage('invalid_base64', 'the data URL has no data part');
      // Read as fetch reads a data: URL: the body percent-decoded, base64 when the type ends with `;base64`
      // (any case, spaces allowed before it and around the type). The bytes decide the format: the type is ignored.
      const meta = trimmed.slice(5, comma).trim();
      const data = trimmed.slice(comma + 1);
      if (!/; *base64$/i.test(meta)) return new Blob([percentDecode(data)]);
      return new Blob([base64Bytes(data.includes('%') ? new TextDecoder('latin1').decode(percentDecode(data)) : data)]);
    }
    case 'fetch':
      return fetchImage(trimmed, limits);
    case 'refused-scheme': {
      const scheme = trimmed.slice(0, trimmed.indexOf(':'));
      throw invalidImage('unsupported_type', `"${scheme}:" URLs are not fetched`, { suggestion: 'Pass an http(s): or blob: URL, a relative URL, a data URL, base64, or the image itself.' });
    }
    case 'ambiguous': {
      const bytes = tryBase64(trimmed);
      return bytes && sniffImage(bytes.subarray(0, SNIFF_BYTES)) ? new Blob([bytes]) : fetchImage(trimmed, limits);
    }
    case 'base64':
      return new Blob([base64Bytes(trimmed)]);
  }
}

/** The bytes at `url`, fetched under the call's `maxBytes` and signal. */
function fetchImage(url: string, { maxBytes, signal }: DecodeLimits): Promise<Blob> {
  return fetchBytes(url, 'image', { maxBytes, signal }, IMAGE_FETCH_ERRORS);
}

const IMAGE_FETCH_ERRORS: FetchErrors = {
  failed: (reason, extra, cause) => invalidImage('fetch_failed', reason, extra, cause),
  tooLarge: downloadTooLarge,
};

/** The bytes of a percent-encoded data URL body, as browsers read it (the text as UTF-8, each `%XX` one byte). */
function percentDecode(data: string): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(data);
  const out = new Uint8Array(text.length);
  let n = 0;
  const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  for (let i = 0; i < text.length; i++) {
    const hi = text[i] === 37 ? hex(text[i + 1] ?? 0) : -1;
    const lo = hi >= 0 ? hex(text[i + 2] ?? 0) : -1;
    if (lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
    } else {
      out[n++] = text[i]!; // a '%' not followed by two hex digits stays as it is
    }
  }
  return out.slice(0, n);
}

function base64Bytes(data: string): Uint8Array<ArrayBuffer> {
  const bytes = tryBase64(data);
  if (!bytes) throw invalidImage('invalid_base64', 'the base64 data is malformed');
  return bytes;
}

/** Bytes of standard or URL-safe base64 (padding optional, whitespace ignored), or undefined if malformed. */
function tryBase64(data: string): Uint8Array<ArrayBuffer> | undefined {
  const clean = data.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (clean.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.replace(/=+$/, '').length % 4 === 1) return undefined;
  const binary = atob(clean.replace(/=+$/, '').padEnd(Math.ceil(clean.replace(/=+$/, '').length / 4) * 4, '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A short description of non-image bytes, for error messages. */
function describe(head: Uint8Array): string {
  const text = String.fromCharCode(...head.subarray(0, 16));
  if (text.startsWith('%PDF')) return 'it is a PDF';
  if (/^\s*(<\?xml|<svg)/i.test(text)) return 'it looks like SVG, which is not supported: rasterise it first';
  if (/^[\x09\x0a\x0d\x20-\x7e]*$/.test(text)) return 'it looks like text';
  return `it starts with bytes ${Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/** What `value` is, for a message: "a number", "an Object", "a Map". */
function describeValue(value: unknown): string {
  const name = typeof value !== 'object' ? typeof value : String((value as object).constructor?.name || 'object');
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
