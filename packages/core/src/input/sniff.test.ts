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
    expect(sniffImage(bytes('BM', new Array(16).fill(0), le32(640), le32(-480)))).toEqual({ format: 'bmp', width: 640, height: 480 });
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

describe('jpegFrameSize', () => {
  it('finds the frame header past the first 64 KB, behind large metadata segments', async () => {
    const app1 = (fill: number) => [0xff, 0xe1, 0xff, 0xff, ...new Array(0xffff - 2).fill(fill)]; // the largest segment
    const sof = [0xff, 0xc0, 0, 17, 8, 0x1c, 0x20, 0x1c, 0x20]; // 7200 × 7200
    const file = bytes([0xff, 0xd8], app1(0x41), app1(0x42), app1(0x43), sof, [0xff, 0xda, 0, 2]);
    expect(file.length).toBeGreaterThan(3 * SNIFF_BYTES);
    expect(sniffImage(file.subarray(0, SNIFF_BYTES))).toEqual({ format: 'jpeg' }); // the head alone does not say
    expect(await jpegFrameSize(new Blob([file]))).toEqual({ width: 7200, height: 7200 });
  });

  it('stops at the start of scan, at a broken marker and at the end of the file', async () => {
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0xff, 0xda, 0, 2, 1, 2, 3, 4, 5])]))).toEqual({});
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0x12, 0x34, 0, 2, 1, 2, 3, 4, 5])]))).toEqual({});
    expect(await jpegFrameSize(new Blob([bytes([0xff, 0xd8, 0xff, 0xe0, 0x7f, 0xff, 1, 2, 3, 4, 5])]))).toEqual({});
  });
});
