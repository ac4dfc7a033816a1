/**
 * Image format and size from the first bytes of a file, without decoding it: the SDK rejects what no
 * browser decodes (PDF, SVG, text) and absurd sizes (a 20000×20000 header) before allocating pixels.
 */

/** Raster formats browsers decode. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif';

/** What the header says. `width`/`height` are absent when the header does not give them (or is cut short). */
export interface SniffedImage {
  format: ImageFormat;
  width?: number;
  height?: number;
}

/** Bytes to read from the start of a file: enough for every header below except deep JPEG/AVIF boxes. */
export const SNIFF_BYTES = 64 * 1024;

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** The format and size of an image file from its first bytes, or `undefined` for anything that is not a known raster image. */
export function sniffImage(bytes: Uint8Array): SniffedImage | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (n: number) => bytes.byteLength >= n;
  if (has(3) && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg', ...jpegSize(bytes, view) };
  if (has(8) && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') {
    return { format: 'png', ...(has(24) ? { width: view.getUint32(16), height: view.getUint32(20) } : {}) };
  }
  if (has(6) && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) {
    return { format: 'gif', ...(has(10) ? { width: view.getUint16(6, true), height: view.getUint16(8, true) } : {}) };
  }
  if (has(12) && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return { format: 'webp', ...webpSize(bytes, view) };
  if (has(2) && ascii(bytes, 0, 2) === 'BM') {
    return { format: 'bmp', ...(has(26) ? { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) } : {}) };
  }
  if (has(12) && ascii(bytes, 4, 4) === 'ftyp' && /^avi[fs]$/.test(ascii(bytes, 8, 4))) return { format: 'avif', ...avifSize(bytes, view) };
  return undefined;
}

/** Size from the first SOF marker (frame header). */
function jpegSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  let at = 2;
  while (at + 9 <= bytes.byteLength) {
    if (bytes[at] !== 0xff) return {};
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = view.getUint16(at + 2);
    if (isFrameHeader(marker)) return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + length;
  }
  return {};
}

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Segments {@link jpegFrameSize} walks at most (a real file has tens). */
const MAX_JPEG_SEGMENTS = 4096;

/**
 * The size in a JPEG's frame header wherever it lies in the file (metadata segments can push it past
 * {@link SNIFF_BYTES}): the segments are walked by their lengths, reading 9 bytes of each, up to the start of scan.
 */
export async function jpegFrameSize(blob: Blob): Promise<{ width?: number; height?: number }> {
  let at = 2;
  for (let segments = 0; segments < MAX_JPEG_SEGMENTS && at + 9 <= blob.size; segments++) {
    const head = new Uint8Array(await blob.slice(at, at + 9).arrayBuffer());
    if (head[0] !== 0xff) return {};
    const marker = head[1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda) return {}; // start of scan: no frame header before the image data
    if (isFrameHeader(marker)) return { height: (head[5]! << 8) | head[6]!, width: (head[7]! << 8) | head[8]! };
    at += 2 + ((head[2]! << 8) | head[3]!);
  }
  return {};
}

function webpSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  if (bytes.byteLength < 30) return {};
  const chunk = ascii(bytes, 12, 4);
  const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
  if (chunk === 'VP8X') return { width: 1 + u24(24), height: 1 + u24(27) };
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return {};
}

/** Size from the first `ispe` (image spatial extents) property. */
function avifSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  for (let at = 12; at + 16 <= bytes.byteLength; at++) {
    if (bytes[at] === 0x69 && ascii(bytes, at, 4) === 'ispe') return { width: view.getUint32(at + 8), height: view.getUint32(at + 12) };
  }
  return {};
}
