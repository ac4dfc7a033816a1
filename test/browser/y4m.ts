/**
 * Writes small Y4M (YUV4MPEG2) videos for Chromium's fake camera
 * (`--use-file-for-fake-video-capture=<file>.y4m`), so the webcam demo can be tested with a real face.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import jpeg from 'jpeg-js';

/** Frame width of the videos written here (the demo asks the camera for 640×480). */
export const Y4M_WIDTH = 640;
/** Frame height of the videos written here. */
export const Y4M_HEIGHT = 480;

/** An RGBA image: `data` holds `width × height × 4` bytes, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Where a photo was placed in the frame, in frame pixels. */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Decodes a JPEG file (greyscale or colour) to RGBA. */
export function decodeJpeg(path: string): RgbaImage {
  const { width, height, data } = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  return { width, height, data };
}

/**
 * Draws `image` centred on a mid-grey `width × height` RGBA frame, scaled (bilinear) to `targetHeight`
 * pixels high, keeping its aspect ratio.
 */
export function composeFrame(image: RgbaImage, width = Y4M_WIDTH, height = Y4M_HEIGHT, targetHeight = 300): { frame: RgbaImage; placement: Placement } {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = data[i + 1] = data[i + 2] = 128;
    data[i + 3] = 255;
  }
  const scale = targetHeight / image.height;
  const w = Math.round(image.width * scale);
  const h = Math.round(image.height * scale);
  const x0 = Math.round((width - w) / 2);
  const y0 = Math.round((height - h) / 2);
  for (let y = 0; y < h; y++) {
    const fy = Math.min(image.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const sy = Math.floor(fy);
    const sy1 = Math.min(image.height - 1, sy + 1);
    const dy = fy - sy;
    const ty = y0 + y;
    if (ty < 0 || ty >= height) continue;
    for (let x = 0; x < w; x++) {
      const tx = x0 + x;
      if (tx < 0 || tx >= width) continue;
      const fx = Math.min(image.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const sx = Math.floor(fx);
      const sx1 = Math.min(image.width - 1, sx + 1);
      const dx = fx - sx;
      const o = (ty * width + tx) * 4;
      for (let c = 0; c < 3; c++) {
        const p00 = image.data[(sy * image.width + sx) * 4 + c]!;
        const p01 = image.data[(sy * image.width + sx1) * 4 + c]!;
        const p10 = image.data[(sy1 * image.width + sx) * 4 + c]!;
        const p11 = image.data[(sy1 * image.width + sx1) * 4 + c]!;
        const top = p00 + (p01 - p00) * dx;
        const bottom = p10 + (p11 - p10) * dx;
        data[o + c] = Math.round(top + (bottom - top) * dy);
      }
    }
  }
  return { frame: { width, height, data }, placement: { x: x0, y: y0, width: w, height: h } };
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * Converts an RGBA frame (even width and height) to I420 with BT.601 limited-range coefficients: the Y
 * plane, then U and V at half resolution (each the mean of a 2×2 block: centred chroma, as `C420jpeg`).
 */
export function rgbaToI420(frame: RgbaImage): Uint8Array {
  const { width, height, data } = frame;
  if (width % 2 || height % 2) throw new Error(`I420 needs even dimensions, got ${width}×${height}`);
  const cw = width / 2;
  const ch = height / 2;
  const out = new Uint8Array(width * height + 2 * cw * ch);
  const u = width * height;
  const v = u + cw * ch;
  for (let i = 0; i < width * height; i++) {
    const r = data[i * 4]!;
    const g = data[i * 4 + 1]!;
    const b = data[i * 4 + 2]!;
    out[i] = clamp(16 + 0.257 * r + 0.504 * g + 0.098 * b);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [ox, oy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const o = ((2 * y + oy) * width + 2 * x + ox) * 4;
        r += data[o]!;
        g += data[o + 1]!;
        b += data[o + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[u + y * cw + x] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      out[v + y * cw + x] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return out;
}

/** Writes `frames` copies of one RGBA frame as a Y4M file (`C420jpeg`, progressive, square pixels). */
export function writeY4m(path: string, frame: RgbaImage, { frames = 10, fps = 30 }: { frames?: number; fps?: number } = {}): void {
  const header = Buffer.from(`YUV4MPEG2 W${frame.width} H${frame.height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const marker = Buffer.from('FRAME\n', 'ascii');
  const planes = rgbaToI420(frame);
  const parts: Uint8Array[] = [header];
  for (let i = 0; i < frames; i++) parts.push(marker, planes);
  writeFileSync(path, Buffer.concat(parts));
}

/**
 * Writes a 640×480, 30 fps, 10-frame Y4M video of the photo at `photoPath` (a JPEG), centred on mid-grey
 * and scaled to 300 px high. Returns where the photo sits in the frame (before any mirroring).
 */
export function writeFaceVideo(path: string, photoPath: string): Placement {
  const { frame, placement } = composeFrame(decodeJpeg(photoPath));
  writeY4m(path, frame);
  return placement;
}

/**
 * Adds a camera's sensor noise to an RGBA frame: each pixel's grey level moves by up to ±`amplitude`, from a
 * generator seeded with `seed` (the same clip every run).
 */
function addNoise(data: Uint8Array, amplitude: number, seed: number): void {
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < data.length; i += 4) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const delta = ((state >>> 8) / 0x1000000 - 0.5) * 2 * amplitude;
    for (let c = 0; c < 3; c++) data[i + c] = clamp(data[i + c]! + delta);
  }
}

/** `image`'s centred square of `side` pixels (or less, if the image is smaller). */
export function centreSquare(image: RgbaImage, side: number): RgbaImage {
  const s = Math.min(side, image.width, image.height);
  const x0 = Math.floor((image.width - s) / 2);
  const y0 = Math.floor((image.height - s) / 2);
  const data = new Uint8Array(s * s * 4);
  for (let y = 0; y < s; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * 4, ((y0 + y) * image.width + x0 + s) * 4), y * s * 4);
  return { width: s, height: s, data };
}

/** One face of a scripted clip: its picture, its size in the frame and where it is at each time (null: absent). */
export interface Sprite {
  image: RgbaImage;
  /** Height in frame pixels. */
  height: number;
  /** Top-left corner at time `t` seconds, or null while the face is out of the picture. */
  at(t: number): { x: number; y: number } | null;
}

/**
 * Writes a Y4M clip of `sprites` moving over mid-grey (640×480 unless given), frame by frame to disk, later
 * sprites drawn over earlier ones. Returns each frame's sprite boxes (the ground truth, in frame pixels).
 */
export function writeScenarioVideo(path: string, sprites: readonly Sprite[], { seconds, fps = 30, width = Y4M_WIDTH, height = Y4M_HEIGHT, noise = 0 }: { seconds: number; fps?: number; width?: number; height?: number; noise?: number }): (Placement | null)[][] {
  const scaled = sprites.map((sprite) => composeFrame(sprite.image, Math.round((sprite.image.width * sprite.height) / sprite.image.height / 2) * 2, sprite.height, sprite.height).frame);
  const fd = openSync(path, 'w');
  const truth: (Placement | null)[][] = [];
  try {
    writeSync(fd, Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'ascii'));
    const frames = Math.round(seconds * fps);
    for (let f = 0; f < frames; f++) {
      const data = new Uint8Array(width * height * 4).fill(128);
      const boxes = sprites.map((sprite, i) => {
        const at = sprite.at(f / fps);
        if (!at) return null;
        const img = scaled[i]!;
        const x0 = Math.round(at.x);
        const y0 = Math.round(at.y);
        for (let y = 0; y < img.height; y++) {
          const ty = y0 + y;
          if (ty < 0 || ty >= height) continue;
          for (let x = 0; x < img.width; x++) {
            const tx = x0 + x;
            if (tx < 0 || tx >= width) continue;
            data.set(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3), (ty * width + tx) * 4);
          }
        }
        return { x: x0, y: y0, width: img.width, height: img.height };
      });
      truth.push(boxes);
      if (noise > 0) addNoise(data, noise, f);
      writeSync(fd, Buffer.from('FRAME\n', 'ascii'));
      writeSync(fd, rgbaToI420({ width, height, data }));
    }
  } finally {
    closeSync(fd);
  }
  return truth;
}
