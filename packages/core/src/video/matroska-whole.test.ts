import { describe, expect, it } from 'vitest';
import { wholeMatroska } from './matroska-whole.js';

/** An EBML element: its id's bytes, then its size as an 8-byte vint (all ones: unknown), then `data`. */
function element(id: number[], data: Uint8Array, unknownSize = false): Uint8Array<ArrayBuffer> {
  const size = unknownSize ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : [0x01, 0, 0, 0, 0, 0, 0, 0];
  let n = data.length;
  for (let i = 7; i >= 1 && !unknownSize; i--, n = Math.floor(n / 256)) size[i] = n % 256;
  return concat([new Uint8Array(id), new Uint8Array(size), data]);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const bytes = (n: number, fill = 0x42) => new Uint8Array(n).fill(fill);
const EBML = [0x1a, 0x45, 0xdf, 0xa3];
const SEGMENT = [0x18, 0x53, 0x80, 0x67];
const INFO = [0x15, 0x49, 0xa9, 0x66];
const CLUSTER = [0x1f, 0x43, 0xb6, 0x75];
const TIMECODE = [0xe7];
const SIMPLE_BLOCK = [0xa3];

/**
 * A recording's layout, three blocks of 100 bytes per cluster: segment and clusters of unknown size (written in
 * slices), or all of known size (written whole).
 */
function liveRecording(clusters: number, unknownSizes = true): { file: Uint8Array<ArrayBuffer>; blockEnds: number[]; clusterStarts: number[] } {
  const body: Uint8Array[] = [];
  const blockEnds: number[] = [];
  const clusterStarts: number[] = [];
  const info = element(INFO, bytes(20));
  const headLength = 4 + 8 + 10 + 12 + info.length;
  let at = headLength;
  for (let c = 0; c < clusters; c++) {
    const children = [element(TIMECODE, bytes(2, c)), element(SIMPLE_BLOCK, bytes(100, 1)), element(SIMPLE_BLOCK, bytes(100, 2)), element(SIMPLE_BLOCK, bytes(100, 3))];
    const cluster = element(CLUSTER, concat(children), unknownSizes);
    clusterStarts.push(at);
    let child = at + 12 + children[0]!.length;
    for (const block of children.slice(1)) blockEnds.push((child += block.length));
    body.push(cluster);
    at += cluster.length;
  }
  const file = concat([element(EBML, bytes(10)), element(SEGMENT, concat([info, ...body]), unknownSizes)]);
  return { file, blockEnds, clusterStarts };
}

const lengthOf = async (file: Uint8Array, cut = file.length) => (await wholeMatroska(new Blob([file.slice(0, cut)]))).size;
/** The element header at `pos`: its size field, as bytes. */
const sizeField = async (blob: Blob, idLength: number, pos: number) => Array.from(new Uint8Array(await blob.slice(pos + idLength, pos + idLength + 8).arrayBuffer()));
const UNKNOWN = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

describe('wholeMatroskaLength', () => {
  it('keeps a whole file whole, whether its clusters have sizes or not', async () => {
    for (const unknown of [true, false]) {
      const { file } = liveRecording(3, unknown);
      expect(await lengthOf(file)).toBe(file.length);
    }
  });

  it.each([true, false])('ends a recording cut anywhere after the last whole block before the cut (unknown sizes: %s)', async (unknownSizes) => {
    const { file, blockEnds } = liveRecording(3, unknownSizes);
    for (const end of blockEnds.slice(0, -1)) {
      // One byte into the next element (a block, or the next cluster's header), then into the next block's data.
      expect(await lengthOf(file, end + 1), `cut at ${end + 1}`).toBe(end);
      expect(await lengthOf(file, end + 40), `cut at ${end + 40}`).toBeGreaterThanOrEqual(end);
      expect(await lengthOf(file, end + 40), `cut at ${end + 40}`).toBeLessThan(end + 40);
    }
    expect(await lengthOf(file, file.length - 1)).toBe(blockEnds.at(-2));
  });

  it('marks the sizes the cut made false unknown, so that the demuxer walks the blocks; a second pass finds nothing cut', async () => {
    const { file, blockEnds, clusterStarts } = liveRecording(2, false);
    const cut = new Blob([file.slice(0, blockEnds[4]! + 7)]);
    const whole = await wholeMatroska(cut);
    expect(whole.size).toBe(blockEnds[4]);
    expect(await sizeField(whole, 4, 4 + 8 + 10)).toEqual(UNKNOWN); // the segment
    expect(await sizeField(whole, 4, clusterStarts[1]!)).toEqual(UNKNOWN); // the cut cluster
    expect(await sizeField(whole, 4, clusterStarts[0]!)).not.toEqual(UNKNOWN); // the whole one keeps its size
    expect(await wholeMatroska(whole)).toBe(whole);
    const untouched = new Blob([file]);
    expect(await wholeMatroska(untouched)).toBe(untouched);
  });

  it('ends a cut before the first cluster at the last whole element of the header', async () => {
    const { file, clusterStarts } = liveRecording(1);
    expect(await lengthOf(file, clusterStarts[0]! + 5)).toBe(clusterStarts[0]);
  });

  it('leaves bytes that are not Matroska, or a header cut inside, to the demuxer', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...bytes(40)]);
    expect(await lengthOf(png)).toBe(png.length);
    const { file } = liveRecording(1);
    expect(await lengthOf(file, 6)).toBe(6);
    expect(await lengthOf(new Uint8Array(0))).toBe(0);
  });

  it('ends a damaged file (zeros or noise written over its end) before the damage, inside a cluster of the right size', async () => {
    const { file, blockEnds, clusterStarts } = liveRecording(2, false);
    const zeroed = file.slice();
    zeroed.fill(0, blockEnds[4]!); // the second cluster's last block and everything after it
    const whole = await wholeMatroska(new Blob([zeroed]));
    expect(whole.size).toBe(blockEnds[4]);
    expect(await sizeField(whole, 4, clusterStarts[1]!)).toEqual(UNKNOWN);
    const noisy = file.slice();
    noisy.set([0x81, 0x81, 0x42], blockEnds[1]!); // an id no cluster holds, where the first cluster's last block was
    expect(await lengthOf(noisy)).toBe(blockEnds[1]);
    const junk = concat([file.slice(0, clusterStarts[0]!), bytes(200, 0x42)]); // noise where the first cluster was
    expect(await lengthOf(junk)).toBe(clusterStarts[0]);
  });
});
