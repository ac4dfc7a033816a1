/**
 * Main-thread decoding: any image a page can hold → a fresh `ImageBitmap` that can be transferred to the
 * worker (the caller's own objects are never detached or closed). EXIF orientation is applied, so boxes
 * refer to the image as the browser displays it. Byte inputs are sniffed first: what is not a raster image,
 * and images over the pixel cap, are refused before anything is decoded. The bitmap is at the source size: the
 * pipeline worker downscales it for detection (`pipeline/frame/detection-size.ts`), off the main thread.
 */
import type { ResolvedDetectorOptions } from '../options.js';
import { fetchBytes, type FetchErrors } from './fetch-bytes.js';
import { downloadTooLarge, imageTooLarge, invalidImage, invalidInput } from './input-errors.js';
import { jpegFrameSize, SNIFF_BYTES, sniffImage } from './sniff.js';
import { readingOf } from './string-input.js';

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
 * A string is read by the rules of {@link readingOf}: data URLs and base64 are decoded, http(s), blob and
 * relative URLs are fetched, other schemes are refused.
 */
export async function decodeImage(input: ImageInput, limits: DecodeLimits, rules: StringRules = {}): Promise<ImageBitmap> {
  if (input === undefined || input === null) throw invalidInput('no image was given', 'missing_image');
  const isBytes = await readInput(() => typeof input === 'string' || input instanceof Blob || input instanceof ArrayBuffer || ArrayBuffer.isView(input));
  return isBytes
    ? decodeBytes(await toBlob(input as string | Blob | ArrayBuffer | ArrayBufferView, limits, rules), limits.maxPixels)
    : decodeObject(input as Exclude<ImageInput, string | Blob | ArrayBuffer | ArrayBufferView>, limits.maxPixels);
}

/**
 * Reads the caller's input object. What `read` throws, other than the SDK's own errors, came from the object
 * itself — a getter or proxy trap that throws, a proxy of a Blob, an object posing as a canvas
 * (`Object.create(HTMLCanvasElement.prototype)`, whose getters throw "Illegal invocation") — so it is
 * `INVALID_REQUEST` naming `input`, as the same in the options is; it was `INTERNAL_ERROR` (found by the fuzzer).
 */
async function readInput<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'EmoLensError') throw cause;
    throw invalidInput(`the input could not be read (${message(cause)})`);
  }
}

async function toBlob(input: string | Blob | ArrayBuffer | ArrayBufferView, limits: DecodeLimits, rules: StringRules): Promise<Blob> {
  if (typeof input === 'string') return blobFromString(input, limits, rules);
  return readInput(() => ownBlob(input));
}

/**
 * A Blob of the SDK's own with the input's bytes. Only Blob's own methods read a Blob input, so a subclass
 * that overrides them is read as the bytes it holds, and a proxy of a Blob is refused by their brand check.
 * The Blob constructor refuses a resizable ArrayBuffer (and views over a shared one): those bytes are copied.
 */
function ownBlob(input: Blob | ArrayBuffer | ArrayBufferView): Blob {
  if (input instanceof Blob) return Blob.prototype.slice.call(input, 0, undefined, input.type);
  // A transferred (detached) buffer, or a view over one, has no bytes left: it cannot even be sliced.
  if (input.byteLength === 0) throw invalidImage('empty', 'the buffer or typed array has no bytes (it may have been transferred)');
  if (input instanceof ArrayBuffer) return new Blob([(input as { resizable?: boolean }).resizable ? input.slice(0) : input]);
  return new Blob([new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice()]);
}

async function decodeBytes(blob: Blob, maxPixels: number): Promise<ImageBitmap> {
  if (blob.size === 0) throw invalidImage('empty', 'the image has no bytes');
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  const sniffed = sniffImage(head);
  if (!sniffed) throw invalidImage('unsupported_type', `the data is not a raster image (${describe(head)})`, { type: blob.type || undefined });
  const { width, height } = sniffed.format === 'jpeg' && sniffed.width === undefined && blob.size > head.byteLength ? await jpegFrameSize(blob) : sniffed;
  if (width !== undefined && height !== undefined && width * height > maxPixels) throw imageTooLarge(width, height, maxPixels);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, FROM_IMAGE);
  } catch (cause) {
    throw invalidImage('undecodable', `the ${sniffed.format.toUpperCase()} data could not be decoded (${message(cause)})`, { format: sniffed.format }, cause);
  }
  return checked(bitmap, maxPixels);
}

async function decodeObject(input: Exclude<ImageInput, string | Blob | ArrayBuffer | ArrayBufferView>, maxPixels: number): Promise<ImageBitmap> {
  const [width, height] = await readInput(() => readySize(input));
  if (width === 0 || height === 0) throw invalidImage('empty', 'the image has no pixels');
  if (width * height > maxPixels) throw imageTooLarge(width, height, maxPixels);
  try {
    return checked(await createImageBitmap(input as ImageBitmapSource), maxPixels);
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'EmoLensError') throw cause;
    throw invalidImage('undecodable', `the image could not be read (${message(cause)})`, {}, cause);
  }
}

/** The size of an image object once it can be drawn (an `<img>` is decoded first); refuses other objects. */
async function readySize(input: Exclude<ImageInput, string | Blob | ArrayBuffer | ArrayBufferView>): Promise<[number, number]> {
  const isElement = (name: string) => typeof (globalThis as Record<string, unknown>)[name] === 'function' && input instanceof ((globalThis as Record<string, unknown>)[name] as new () => object);
  if (isElement('HTMLImageElement')) {
    const image = input as HTMLImageElement;
    try {
      if (!image.complete || image.naturalWidth === 0) await image.decode();
    } catch (cause) {
      throw invalidImage('undecodable', `the <img> could not be decoded (${message(cause)})`, {}, cause);
    }
  } else if (isElement('HTMLVideoElement') && (input as HTMLVideoElement).readyState < 2) {
    throw invalidImage('empty', 'the video has no current frame yet (readyState < HAVE_CURRENT_DATA)');
  } else if (!['ImageBitmap', 'ImageData', 'HTMLCanvasElement', 'OffscreenCanvas', 'VideoFrame', 'HTMLVideoElement', 'SVGImageElement'].some(isElement)) {
    throw invalidInput(`${describeValue(input)} is not an image input`);
  }
  return dimensions(input);
}

function dimensions(input: object): [number, number] {
  // An SVG <image>'s width and height are animated lengths, not numbers.
  const svg = input as { width?: { baseVal?: { value?: number } }; height?: { baseVal?: { value?: number } } };
  if (typeof svg.width?.baseVal?.value === 'number') return [svg.width.baseVal.value, svg.height?.baseVal?.value ?? 0];
  const i = input as { naturalWidth?: number; naturalHeight?: number; videoWidth?: number; videoHeight?: number; displayWidth?: number; displayHeight?: number; width?: number; height?: number };
  if (i.naturalWidth !== undefined) return [i.naturalWidth, i.naturalHeight ?? 0];
  if (i.videoWidth !== undefined) return [i.videoWidth, i.videoHeight ?? 0];
  if (i.displayWidth !== undefined) return [i.displayWidth, i.displayHeight ?? 0];
  return [Number(i.width) || 0, Number(i.height) || 0];
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
      const meta = trimmed.slice(5, comma);
      const data = trimmed.slice(comma + 1);
      // The bytes decide the format: a wrong MIME type in the data URL is ignored, as browsers do.
      return new Blob([/;base64$/i.test(meta) ? base64Bytes(data) : percentDecode(data)]);
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
