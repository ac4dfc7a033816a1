/**
 * The part of a WebM or Matroska file cut short that the demuxer can read: up to the end of its last whole element.
 *
 * A recording (`MediaRecorder`) often holds one cluster for the whole file, of known size or, when written in
 * slices, of unknown size. A damaged file is read the same way: up to the first bytes that start no element that
 * can stand there. mediabunny drops a cluster whose blocks run past the end of the file, so a recording cut
 * anywhere gave no frame at all. Cut after its last whole block, with the sizes that the cut made false marked
 * unknown (the segment's and the cluster's), the same file gives every frame before the cut. Only element headers
 * are read, in large chunks; a cluster that fits is skipped whole.
 */

/** EBML ids (with their length marker bits) of the elements this walk steps through. */
const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
/** The top-level children of a Segment: one of these ends a cluster of unknown size. */
const LEVEL_1 = new Set([0x114d9b74, 0x1549a966, 0x1654ae6b, 0x1c53bb6b, 0x1043a770, 0x1254c367, 0x1941a469, CLUSTER]);
/** Void and CRC-32, which may stand anywhere. */
const ANYWHERE = [0xec, 0xbf];
/** What may start where a Segment's child starts. */
const SEGMENT_CHILDREN = new Set([...LEVEL_1, ...ANYWHERE]);
/** What may start where a Cluster's child starts: Timestamp, SimpleBlock, BlockGroup, Position, PrevSize, SilentTracks, EncryptedBlock. */
const CLUSTER_CHILDREN = new Set([0xe7, 0xa3, 0xa0, 0xa7, 0xab, 0x5854, 0xaf, ...ANYWHERE]);
const CHUNK = 1 << 20;

interface Header {
  id: number;
  /** Where the size field starts, and its length in bytes. */
  sizeAt: number;
  sizeLength: number;
  /** Where the element's data starts. */
  dataStart: number;
  /** The data's length; `undefined` for an unknown size. */
  size: number | undefined;
}

/** Reads `blob` in chunks of 1 MiB, kept one at a time (the walk only moves forward). */
class ChunkReader {
  private start = -1;
  private bytes = new Uint8Array(0);
  constructor(private readonly blob: Blob) {}

  /** The byte at `pos`, or `undefined` past the end of the file. */
  async byte(pos: number): Promise<number | undefined> {
    if (pos >= this.blob.size) return undefined;
    if (pos < this.start || pos >= this.start + this.bytes.length) {
      this.start = pos;
      this.bytes = new Uint8Array(await this.blob.slice(pos, pos + CHUNK).arrayBuffer());
    }
    return this.bytes[pos - this.start];
  }
}

/** A variable-length integer at `pos`: its value (`marker` kept for ids) and length; `undefined` if cut or invalid. */
async function readVint(reader: ChunkReader, pos: number, keepMarker: boolean): Promise<{ value: number | undefined; length: number } | undefined> {
  const first = await reader.byte(pos);
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let i = 1; i < length; i++) {
    const next = await reader.byte(pos + i);
    if (next === undefined) return undefined;
    value = value * 256 + next;
    allOnes &&= next === 0xff;
  }
  // An all-ones size is "unknown" (ids keep their marker bits and are never read as sizes).
  return { value: !keepMarker && allOnes ? undefined : value, length };
}

async function readHeader(reader: ChunkReader, pos: number): Promise<Header | undefined> {
  const id = await readVint(reader, pos, true);
  if (!id || id.length > 4) return undefined;
  const size = await readVint(reader, pos + id.length, false);
  if (!size || size.length > 8) return undefined;
  return { id: id.value!, sizeAt: pos + id.length, sizeLength: size.length, dataStart: pos + id.length + size.length, size: size.value };
}

/**
 * `blob` up to the end of its last whole element, with the sizes of the elements the cut ran through marked unknown;
 * `blob` itself when nothing is cut (or the bytes are not a Matroska file this walk understands: the demuxer then
 * judges them as they are).
 */
export async function wholeMatroska(blob: Blob): Promise<Blob> {
  const cut = await findCut(blob);
  if (!cut) return blob;
  const parts: BlobPart[] = [];
  let at = 0;
  for (const header of cut.opened) {
    if (header.size === undefined) continue;
    parts.push(blob.slice(at, header.sizeAt), unknownSize(header.sizeLength));
    at = header.sizeAt + header.sizeLength;
  }
  parts.push(blob.slice(at, cut.end));
  return new Blob(parts, { type: blob.type });
}

/** A size field of `length` bytes that says "unknown": the length marker, then all ones. */
function unknownSize(length: number): Uint8Array<ArrayBuffer> {
  const field = new Uint8Array(length).fill(0xff);
  field[0] = 0xff >> (length - 1);
  return field;
}

/**
 * Where the file's last whole element ends, and the elements the cut runs through (the segment, a cluster), in
 * file order; `undefined` when nothing is cut.
 */
async function findCut(blob: Blob): Promise<{ end: number; opened: Header[] } | undefined> {
  const reader = new ChunkReader(blob);
  const ebml = await readHeader(reader, 0);
  if (ebml?.id !== EBML_HEADER || ebml.size === undefined) return undefined;
  const segment = await readHeader(reader, ebml.dataStart + ebml.size);
  if (segment?.id !== SEGMENT) return undefined;
  const segmentEnd = segment.size === undefined ? blob.size : Math.min(blob.size, segment.dataStart + segment.size);
  const cutAt = (end: number, cluster?: Header) => ({ end, opened: cluster ? [segment, cluster] : [segment] });
  let pos = segment.dataStart;
  while (pos < segmentEnd) {
    const element = await readHeader(reader, pos);
    // Bytes that start no element a segment holds (zeros, noise): the file is whole up to here.
    if (!element || !SEGMENT_CHILDREN.has(element.id)) return cutAt(pos);
    if (element.id !== CLUSTER) {
      if (element.size !== undefined && element.dataStart + element.size <= blob.size) {
        pos = element.dataStart + element.size;
        continue;
      }
      return element.size === undefined ? undefined : cutAt(pos);
    }
    // A cluster's blocks are walked one by one, whole or not: damage inside a cluster of the right size (zeros
    // written over a file's end) sent the demuxer into a loop that never yielded.
    const clusterEnd = element.size === undefined ? blob.size : element.dataStart + element.size;
    const whole = clusterEnd <= blob.size;
    let child = element.dataStart;
    while (child < Math.min(clusterEnd, blob.size)) {
      const block = await readHeader(reader, child);
      if (block && element.size === undefined && LEVEL_1.has(block.id)) break; // the next top-level element
      if (!block || !CLUSTER_CHILDREN.has(block.id) || block.size === undefined || block.dataStart + block.size > Math.min(clusterEnd, blob.size)) return cutAt(child, element);
      child = block.dataStart + block.size;
    }
    if (element.size !== undefined && whole) {
      pos = clusterEnd;
      continue;
    }
    if (child >= blob.size) return element.size === undefined ? undefined : cutAt(blob.size, element);
    pos = child;
  }
  // Every element whole, but the segment may still say it holds more.
  return segment.size !== undefined && segment.dataStart + segment.size > blob.size ? cutAt(blob.size) : undefined;
}
