/**
 * Where a PNG or WebP file ends by its own structure, so that bytes appended to an image (another file riding along
 * inside a "face") are refused: a decoder stops at the image's end and never sees them. A JPEG's end is its
 * end-of-image marker, found by the structure walk (`jpeg-structure.ts`).
 */

const PNG_SIGNATURE_LENGTH = 8;
/** A chunk's length, type and CRC around its data. */
const PNG_CHUNK_OVERHEAD = 12;

/** The length of the PNG in `bytes` (through its IEND chunk), or `undefined` when it has no whole IEND. */
export function pngLength(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = PNG_SIGNATURE_LENGTH;
  while (pos + PNG_CHUNK_OVERHEAD <= bytes.length) {
    const end = pos + PNG_CHUNK_OVERHEAD + view.getUint32(pos);
    if (end > bytes.length) return undefined;
    if (view.getUint32(pos + 4) === 0x49454e44) return end; // "IEND"
    pos = end;
  }
  return undefined;
}

/** The length of the WebP in `bytes` by its RIFF header: 8 bytes of header, then the size it gives, padded to even. */
export function webpLength(bytes: Uint8Array): number {
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  return 8 + size + (size % 2);
}
