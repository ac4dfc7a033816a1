/**
 * A deterministic, uncompressed (STORE) zip writer, as MediaPipe Tasks expects for `.task`
 * bundles. Every entry gets the same fixed DOS timestamp, and its data is aligned (by padding the
 * local header's extra field) so loaders can map the models in place.
 */

/** One file to store. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** Fixed DOS date (1980-01-01) and time (00:00:00) of every entry. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Extra-field id used by Android's zipalign for alignment padding. */
const ALIGN_EXTRA_ID = 0xd935;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as used by zip) of `data`. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Writes a zip archive with every entry STOREd, in the given order, data aligned to `align`
 * bytes (a power of two, default 64). No zip64: the archive must stay under 4 GiB.
 */
export function storeZip(entries: ZipEntry[], align = 64): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;

  for (const { name, data } of entries) {
    const nameBytes = enc.encode(name);
    const crc = crc32(data);
    // Local header is 30 bytes + name + extra; pad the extra so the data starts aligned.
    const base = offset + 30 + nameBytes.length;
    const pad = (align - ((base + 4) % align)) % align;
    const extraLen = 4 + pad;
    const local = new Uint8Array(30 + nameBytes.length + extraLen);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 10, true); // version needed: 1.0
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true); // STORE
    lv.setUint16(10, DOS_TIME, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.byteLength, true);
    lv.setUint32(22, data.byteLength, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, extraLen, true);
    local.set(nameBytes, 30);
    lv.setUint16(30 + nameBytes.length, ALIGN_EXTRA_ID, true);
    lv.setUint16(32 + nameBytes.length, pad, true);

    const cd = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // made by: MS-DOS, 2.0
    cv.setUint16(6, 10, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, DOS_TIME, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.byteLength, true);
    cv.setUint32(24, data.byteLength, true);
    cv.setUint16(28, nameBytes.length, true);
    // extra, comment, disk number, internal and external attributes: 0
    cv.setUint32(42, offset, true);
    cd.set(nameBytes, 46);
    central.push(cd);

    chunks.push(local, data);
    offset += local.byteLength + data.byteLength;
  }

  const cdStart = offset;
  const cdSize = central.reduce((s, c) => s + c.byteLength, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, cdStart, true);

  const all = [...chunks, ...central, end];
  const out = new Uint8Array(all.reduce((s, c) => s + c.byteLength, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.byteLength;
  }
  if (at > 0xffffffff) throw new Error('store-zip: archive too large for zip without zip64');
  return out;
}
