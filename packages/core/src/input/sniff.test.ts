import { describe, expect, it } from 'vitest';
import { jpegFrameSize, SNIFF_BYTES, sniffImage } from './sniff.js';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
const le32 = (n: number) => [...le16(n & 0xffff), ...le16(n >>> 16)];

describe('sniffImage', () => {
  it('reads PNG, GIF, BMP, JPEG, WebP (VP8X) and AVIF sizes from their headers', () => {
    expect(sniffImage(bytes('\x89PNG\r\n\x1a\n', be32(13), 'IHDR', be32(20000), be32(20000)))).toEqual({ format: 'png', width: 20000, height: 20000 });
    expect(sniffImage(bytes('GIF89a', le16(320), le16(240)))).toEqual({ format: 'gif', width: 320, height: 240 });
    expect(sniffImage(bytes('BM', new Array(12).fill(0), le32(40), le32(640), le32(-480)))).toEqual({ format: 'bmp', width: 640, height: 480 });
    const sof = [0xff, 0xc0, 0, 17, 8, 0x01, 0xe0, 0x02, 0x80]; // SOF0: precision 8, height 480, width 640
    expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0], sof))).toEqual({ format: 'jpeg', width: 640, height: 480 });
    const vp8x = bytes('RIFF', le32(30), 'WEBP', 'VP8X', le32(10), [0, 0, 0, 0], [0x7f, 0x02, 0], [0xdf, 0x01, 0]);
    expect(sniffImage(vp8x)).toEqual({ format: 'webp', width: 640, height: 480 });
    expect(sniffImage(bytes(be32(28), 'ftypavif', be32(0), 'mif1', 'ispe', be32(0), be32(1920), be32(1080)))).toEqual({ format: 'avif', width: 1920, height: 1080 });
  });

  it('says nothing for what is not a raster image: PDF, SVG, text, empty', () => {
    expect(sniffImage(bytes('%PDF-1.4\n'))).toBeUndefined();
    expect(sniffImage(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImage(bytes('hello, I am not a JPEG'))).toBeUndefined();
    expect(sniffImage(new Uint8Array(0))).toBeUndefined();
  });

  it('gives the format without a size when the header is cut short', () => {
    expect(sniffImage(bytes('\x89PNG\r\n\x1a\n', be32(13)))).toEqual({ format: 'png' });
    expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toEqual({ format: 'jpeg' });
  });
});

describe('sniffImage on headers that lie or are not what they start as', () => {
  it('reads a JPEG size behind stray bytes between segments, as decoders skip them', () => {
    const sof = [0xff, 0xc0, 0, 17, 8, 0x4e, 0x20, 0x4e, 0x20]; // 20000 × 20000
    expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0], [0x00, 0x12], [0xff, 0xd0], sof))).toEqual({ format: 'jpeg', width: 20000, height: 20000 });
  });

  it('sizes a GIF as browsers decode it: the logical screen grown to its frames', () => {
    const frame = [0x2c, ...le16(0), ...le16(0), ...le16(9000), ...le16(9000), 0, 2, 1, 0, 0, 0x3b];
    expect(sniffImage(bytes('GIF89a', le16(1), le16(1), [0, 0, 0], frame))).toEqual({ format: 'gif', width: 9000, height: 9000 });
    const extension = [0x21, 0xf9, 4, 0, 0, 0, 0, 0];
    expect(sniffImage(bytes('GIF89a', le16(1), le16(1), [0x80, 0, 0], new Array(6).fill(0), extension, frame))).toEqual({ format: 'gif', width: 9000, height: 9000 });
  });

  it('reads the 16-bit sizes of an OS/2 bitmap header', () => {
    expect(sniffImage(bytes('BM', new Array(12).fill(0), le32(12), le16(900), le16(482), le16(1), le16(24)))).toEqual({ format: 'bmp', width: 900, height: 482 });
  });

  it('takes an AVIF by its compatible brands, and nothing else of ISO-BMFF', () => {
    expect(sniffImage(bytes(be32(24), 'ftypmif1', be32(0), 'mif1', 'avif', 'ispe', be32(0), be32(900), be32(482)))).toEqual({ format: 'avif', width: 900, height: 482 });
    expect(sniffImage(bytes(be32(24), 'ftypheic', be32(0), 'mif1', 'heic'))).toBeUndefined();
  });

  it('calls a signature followed by text or markup damaged, not a huge image', () => {
    const junk = '<html><body>not an image at all</body></html>';
    expect(sniffImage(bytes('\x89PNG\r\n\x1a\n', junk))).toEqual({ format: 'png', damaged: true });
    expect(sniffImage(bytes('GIF89a', junk))).toEqual({ format: 'gif', damaged: true });
    expect(sniffImage(bytes('BM', junk))).toEqual({ format: 'bmp', damaged: true });
    expect(sniffImage(bytes('RIFF', le32(100), 'WEBPVP8X', junk))).toEqual({ format: 'webp', damaged: true });
    expect(sniffImage(bytes('RIFF', le32(100), 'WEBPVP8 ', junk))).toEqual({ format: 'webp', damaged: true });
  });
});

describe('jpegFrameSize', () => {
  it('finds the frame header past the first 64 KB, behind large metadata segments', async () => {
    const app1 = (fill: number) => [0xff, 0xe1, 0xff, 0xff, ...new Array(0xffff - 2).fill(fill)]; // the largest segment
    const sof = [0xff, 0xc0, 0, 17, 8, 0x1c, 0x20, 0x1c, 0x20]; // 7200 × 7200
    const file = bytes([0xff, 0xd8], app1(0x41), app1(0x42), app1(0x43), sof, [0xff, 0xda, 0, 2]);
    expect(file.length).toBeGreaterThan(3 * SNIFF_BYTES);
    expect(sniffImage(file.subarray(0, SNIFF_BYTES))).toEqual({ format: 'jpeg' }); // the head alone does not say
    expect(await jpegFrameSize(new Blob([file]))).toEqual({ width: 7200, height: 7200 });
  });

  it('skips stray bytes and markers without a length on its way', async () => {
    const sof = [0xff, 0xc0, 0, 17, 8, 0x4e, 0x20, 0x4e, 0x20];
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0], new Array(40).fill(0x20), [0xff, 0x01], sof)]))).toEqual({ width: 20000, height: 20000 });
  });

  it('stops at the start of scan, at a broken marker and at the end of the file', async () => {
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0xff, 0xda, 0, 2, 1, 2, 3, 4, 5])]))).toEqual({});
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0x12, 0x34, 0, 2, 1, 2, 3, 4, 5])]))).toEqual({});
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0xff, 0xe0, 0x7f, 0xff, 1, 2, 3, 4, 5])]))).toEqual({});
  });
});
