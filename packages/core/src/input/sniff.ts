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
  /** The signature is the format's but what follows is not (text or markup behind `\x89PNG`, `GIF89a`, `RIFF`). */
  damaged?: true;
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
    if (has(16) && ascii(bytes, 12, 4) !== 'IHDR') return { format: 'png', damaged: true }; // the first chunk is always IHDR
    return { format: 'png', ...(has(24) ? { width: view.getUint32(16), height: view.getUint32(20) } : {}) };
  }
  if (has(6) && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return { format: 'gif', ...gifSize(bytes, view) };
  if (has(12) && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return { format: 'webp', ...webpSize(bytes, view) };
  if (has(2) && ascii(bytes, 0, 2) === 'BM') return { format: 'bmp', ...bmpSize(bytes, view) };
  if (has(12) && ascii(bytes, 4, 4) === 'ftyp' && isAvif(bytes, view)) return { format: 'avif', ...avifSize(bytes, view) };
  return undefined;
}

type Size = { width?: number; height?: number; damaged?: true };

/**
 * The size a browser decodes a GIF at: its logical screen, grown to hold every frame found in the first bytes (a
 * screen that claims 1×1 around a 9000×9000 frame is decoded at 9000×9000). Damaged when what follows the
 * header is no GIF block.
 */
function gifSize(bytes: Uint8Array, view: DataView): Size {
  if (bytes.byteLength < 13) return bytes.byteLength >= 10 ? { width: view.getUint16(6, true), height: view.getUint16(8, true) } : {};
  let width = view.getUint16(6, true), height = view.getUint16(8, true);
  const packed = bytes[10]!;
  let at = 13 + (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);
  while (at < bytes.byteLength) {
    const block = bytes[at]!;
    if (block === 0x3b) break; // trailer
    if (block === 0x2c) {
      if (at + 10 > bytes.byteLength) break;
      width = Math.max(width, view.getUint16(at + 1, true) + view.getUint16(at + 5, true));
      height = Math.max(height, view.getUint16(at + 3, true) + view.getUint16(at + 7, true));
      const local = bytes[at + 9]!;
      at += 10 + (local & 0x80 ? 3 << ((local & 7) + 1) : 0) + 1; // descriptor, local colour table, LZW code size
    } else if (block === 0x21) {
      at += 2; // introducer, label
    } else {
      return { damaged: true };
    }
    at = skipSubBlocks(bytes, at);
  }
  return { width, height };
}

/** The offset after a run of GIF data sub-blocks starting at `at` (each a length byte, then that many bytes, to a 0). */
function skipSubBlocks(bytes: Uint8Array, at: number): number {
  while (at < bytes.byteLength && bytes[at] !== 0) at += bytes[at]! + 1;
  return at + 1;
}

/**
 * Sizes from the DIB header, whose own size says its kind: the OS/2 1.x header (12 bytes) holds 16-bit sizes,
 * every later one (Windows 3.x to 5, OS/2 2.x) 32-bit ones. Another header size is no BMP.
 */
function bmpSize(bytes: Uint8Array, view: DataView): Size {
  if (bytes.byteLength < 18) return {};
  const header = view.getUint32(14, true);
  if (header === 12) return bytes.byteLength >= 22 ? { width: view.getUint16(18, true), height: view.getUint16(20, true) } : {};
  if (![16, 40, 52, 56, 64, 108, 124].includes(header)) return { damaged: true };
  return bytes.byteLength >= 26 ? { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) } : {};
}

/** An ISO-BMFF file is AVIF when its major brand or one of its compatible brands is `avif` or `avis`. */
function isAvif(bytes: Uint8Array, view: DataView): boolean {
  const end = Math.min(Math.max(view.getUint32(0), 12), bytes.byteLength); // at least the major brand
  for (let at = 8; at + 4 <= end; at += at === 8 ? 8 : 4) {
    if (/^avi[fs]$/.test(ascii(bytes, at, 4))) return true;
  }
  return false;
}

/** Size from the first SOF marker (frame header). */
function jpegSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  let at = 2;
  while (at + 9 <= bytes.byteLength) {
    if (bytes[at] !== 0xff) {
      at++; // a stray byte between segments: decoders skip to the next marker, and so does this walk
      continue;
    }
    const marker = bytes[at + 1]!;
    if (marker === 0xff || isStandalone(marker)) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda) return {};
    if (isFrameHeader(marker)) return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + view.getUint16(at + 2);
  }
  return {};
}

/** Markers with no length: TEM, RST0–RST7 and SOI. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
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
    if (head[0] !== 0xff) {
      // Stray bytes between segments are skipped, as decoders skip them.
      const next = head.indexOf(0xff);
      at += next > 0 ? next : head.byteLength;
      continue;
    }
    const marker = head[1]!;
    if (marker === 0xff || isStandalone(marker)) {
      at += marker === 0xff ? 1 : 2; // fill byte, or a marker without a length
      continue;
    }
    if (marker === 0xda) return {}; // start of scan: no frame header before the image data
    if (isFrameHeader(marker)) return { height: (head[5]! << 8) | head[6]!, width: (head[7]! << 8) | head[8]! };
    at += 2 + ((head[2]! << 8) | head[3]!);
  }
  return {};
}

function webpSize(bytes: Uint8Array, view: DataView): Size {
  if (bytes.byteLength < 30) return {};
  const chunk = ascii(bytes, 12, 4);
  const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
  // Each first chunk has a fixed mark: VP8X's size (10), VP8's start code, VP8L's signature byte.
  if (chunk === 'VP8X') return view.getUint32(16, true) === 10 ? { width: 1 + u24(24), height: 1 + u24(27) } : { damaged: true };
  if (chunk === 'VP8 ') {
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return { damaged: true };
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return { damaged: true };
    const bits = view.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return { damaged: true };
}

/** Size from the first `ispe` (image spatial extents) property. */
function avifSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  for (let at = 12; at + 16 <= bytes.byteLength; at++) {
    if (bytes[at] === 0x69 && ascii(bytes, at, 4) === 'ispe') return { width: view.getUint32(at + 8), height: view.getUint32(at + 12) };
  }
  return {};
}
