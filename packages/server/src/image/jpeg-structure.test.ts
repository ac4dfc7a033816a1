import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeJpeg } from '../server.fixture.js';
import { JpegStructureError, readJpegStructure } from './jpeg-structure.js';

/** The error `readJpegStructure` throws for `bytes`. */
function refusal(bytes: Uint8Array): JpegStructureError {
  try {
    readJpegStructure(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(JpegStructureError);
    return error as JpegStructureError;
  }
  throw new Error('the walk accepted the file');
}

/** Offsets of the header segments up to the first scan: `[marker, start of the marker, end of the segment]`. */
function headerSegments(jpeg: Buffer): [number, number, number][] {
  const segments: [number, number, number][] = [];
  let pos = 2;
  for (;;) {
    const marker = jpeg[pos + 1]!;
    const end = pos + 2 + jpeg.readUInt16BE(pos + 2);
    segments.push([marker, pos, end]);
    if (marker === 0xda) return segments;
    pos = end;
  }
}

/** The segment with `marker`, as `[start, end]`. */
function segment(jpeg: Buffer, marker: number): [number, number] {
  const found = headerSegments(jpeg).find(([m]) => m === marker);
  if (found === undefined) throw new Error(`no segment 0x${marker.toString(16)}`);
  return [found[1], found[2]];
}

/** A copy of `jpeg` with the segment `marker` replaced by `replacement`. */
function replaceSegment(jpeg: Buffer, marker: number, replacement: Buffer): Buffer {
  const [start, end] = segment(jpeg, marker);
  return Buffer.concat([jpeg.subarray(0, start), replacement, jpeg.subarray(end)]);
}

describe('readJpegStructure', () => {
  it('accepts what encoders write and reads the frame size', async () => {
    const photo = await makeJpeg(350, 260, 3);
    const variants = {
      baseline: sharp(photo).jpeg(),
      progressive: sharp(photo).jpeg({ progressive: true }),
      '4:4:4': sharp(photo).jpeg({ chromaSubsampling: '4:4:4' }),
      greyscale: sharp(photo).toColourspace('b-w').jpeg(),
      cmyk: sharp(photo).toColourspace('cmyk').jpeg(),
      'with EXIF and ICC': sharp(photo).withMetadata().jpeg(),
      'standard Huffman tables': sharp(photo).jpeg({ optimiseCoding: false, quality: 100 }),
      mozjpeg: sharp(photo).jpeg({ mozjpeg: true }),
      '1×1': sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).jpeg(),
    };
    for (const [name, pipeline] of Object.entries(variants)) {
      const bytes = await pipeline.toBuffer();
      const { width, height } = await sharp(bytes).metadata();
      expect(readJpegStructure(bytes), name).toMatchObject({ width, height });
    }
    expect(readJpegStructure(await sharp(photo).jpeg({ progressive: true }).toBuffer()).progressive).toBe(true);
  });

  it('accepts bytes after the end-of-image marker, as decoders do', async () => {
    const jpeg = await makeJpeg(64, 48);
    expect(readJpegStructure(Buffer.concat([jpeg, Buffer.from('trailer written by a camera')]))).toMatchObject({ width: 64, height: 48 });
  });

  it('refuses every truncation of a baseline and a progressive JPEG', async () => {
    for (const jpeg of [await makeJpeg(48, 32), await sharp(await makeJpeg(48, 32)).jpeg({ progressive: true }).toBuffer()]) {
      for (let length = 0; length < jpeg.length; length++) {
        expect(() => readJpegStructure(jpeg.subarray(0, length)), `first ${length} of ${jpeg.length} bytes`).toThrow(JpegStructureError);
      }
    }
  });

  it('walks restart markers in sequence and refuses them out of order or without an interval', async () => {
    // Two copies of a one-block greyscale image side by side, a restart between them: the DC prediction restarts,
    // so the second block's data is the first's.
    const block = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).toColourspace('b-w').jpeg().toBuffer();
    const [sofStart, sofEnd] = segment(block, 0xc0);
    expect(block[sofStart + 9], 'components').toBe(1);
    const [sosStart, sosEnd] = segment(block, 0xda);
    const data = block.subarray(sosEnd, block.length - 2);
    const sof = Buffer.from(block.subarray(sofStart, sofEnd));
    sof.writeUInt16BE(16, 7);
    const build = (restart: Buffer, withInterval: boolean): Buffer =>
      Buffer.concat([
        block.subarray(0, sofStart),
        sof,
        block.subarray(sofEnd, sosStart),
        withInterval ? Buffer.from([0xff, 0xdd, 0x00, 0x04, 0x00, 0x01]) : Buffer.alloc(0),
        block.subarray(sosStart, sosEnd),
        data,
        restart,
        data,
        Buffer.from([0xff, 0xd9]),
      ]);
    const valid = build(Buffer.from([0xff, 0xd0]), true);
    expect(readJpegStructure(valid)).toMatchObject({ width: 16, height: 8 });
    const decoded = await sharp(valid, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height]).toEqual([16, 8]);

    expect(refusal(build(Buffer.from([0xff, 0xd1]), true)).message).toMatch(/out of sequence/);
    expect(refusal(build(Buffer.from([0xff, 0xd0]), false)).message).toMatch(/without a restart interval/);
    // Fill bytes before a restart marker are allowed.
    expect(readJpegStructure(build(Buffer.from([0xff, 0xff, 0xff, 0xd0]), true))).toMatchObject({ width: 16 });
  });

  it('refuses foreign bytes in a scan and segments that run past the file', async () => {
    const jpeg = await makeJpeg(64, 48);
    const [, sosEnd] = segment(jpeg, 0xda);
    const middle = sosEnd + ((jpeg.length - sosEnd) >> 1);
    const withMarker = Buffer.concat([jpeg.subarray(0, middle), Buffer.from([0xff, 0xd8]), jpeg.subarray(middle)]);
    expect(refusal(withMarker).reason).toBe('broken');
    const [dqtStart] = segment(jpeg, 0xdb);
    const long = Buffer.from(jpeg);
    long.writeUInt16BE(0xfff0, dqtStart + 2);
    expect(refusal(long).message).toMatch(/runs past the end/);
    expect(refusal(Buffer.concat([jpeg.subarray(0, 2), Buffer.from('not a marker'), jpeg.subarray(2)])).message).toMatch(/marker was expected/);
  });

  it('refuses headers that do not describe a decodable image', async () => {
    const jpeg = await makeJpeg(64, 48);
    const [sofStart, sofEnd] = segment(jpeg, 0xc0);
    const [sosStart] = segment(jpeg, 0xda);
    const sof = jpeg.subarray(sofStart, sofEnd);

    const zeroWidth = Buffer.from(jpeg);
    zeroWidth.writeUInt16BE(0, sofStart + 7);
    expect(refusal(zeroWidth).message).toMatch(/no width or height/);

    const twoFrames = Buffer.concat([jpeg.subarray(0, sofEnd), sof, jpeg.subarray(sofEnd)]);
    expect(refusal(twoFrames).message).toMatch(/two frames/);

    const scanFirst = replaceSegment(jpeg, 0xc0, Buffer.alloc(0));
    expect(refusal(scanFirst).message).toMatch(/before the frame header/);

    const undefinedTable = Buffer.from(jpeg);
    undefinedTable[sosStart + 6] = 0x33; // the first component's DC and AC tables: 3, never defined
    expect(refusal(undefinedTable).message).toMatch(/undefined DC Huffman table/);

    const noQuantTables = replaceSegment(jpeg, 0xdb, Buffer.alloc(0));
    expect(refusal(noQuantTables).message).toMatch(/quantisation table/);

    const noEnd = Buffer.from(jpeg.subarray(0, jpeg.length - 2));
    expect(refusal(noEnd).message).toMatch(/ends inside a scan/);
  });

  it('refuses lossless, arithmetic-coded, 12-bit and DNL JPEGs as unsupported', async () => {
    const jpeg = await makeJpeg(64, 48);
    const [sofStart] = segment(jpeg, 0xc0);
    for (const marker of [0xc3, 0xc9, 0xcb]) {
      const other = Buffer.from(jpeg);
      other[sofStart + 1] = marker;
      expect(refusal(other).reason, marker.toString(16)).toBe('unsupported');
    }
    const twelveBit = Buffer.from(jpeg);
    twelveBit[sofStart + 4] = 12;
    expect(refusal(twelveBit).reason).toBe('unsupported');
    const [sosStart] = segment(jpeg, 0xda);
    const dnl = Buffer.concat([jpeg.subarray(0, sosStart), Buffer.from([0xff, 0xdc, 0x00, 0x04, 0x00, 0x30]), jpeg.subarray(sosStart)]);
    expect(refusal(dnl).reason).toBe('unsupported');
  });

  it('on any bytes, returns a size or throws its own error; what it accepts, libvips opens at that size', async () => {
    const sources = [await makeJpeg(40, 24, 1), await sharp(await makeJpeg(40, 24, 2)).jpeg({ progressive: true }).toBuffer()];
    const mutation = fc.record({
      source: fc.integer({ min: 0, max: sources.length - 1 }),
      at: fc.nat(),
      cut: fc.nat({ max: 64 }),
      insert: fc.uint8Array({ maxLength: 64 }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ source, at, cut, insert }) => {
        const jpeg = sources[source]!;
        const start = 2 + (at % (jpeg.length - 2));
        const bytes = Buffer.concat([jpeg.subarray(0, start), insert, jpeg.subarray(Math.min(jpeg.length, start + cut))]);
        let structure;
        try {
          structure = readJpegStructure(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(JpegStructureError);
          return;
        }
        const { width, height } = await sharp(bytes).metadata();
        expect([structure.width, structure.height]).toEqual([width, height]);
      }),
      { seed: 20261128, numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) },
    );
  });
});
