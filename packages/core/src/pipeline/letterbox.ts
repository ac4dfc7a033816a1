/**
 * Stage 1 input for an ONNX face detector: the image scaled to fit the model's square input without
 * distortion, centred, black bars on the short side (MediaPipe's letterbox), as a normalised NHWC RGB
 * tensor. Detections are mapped back to image pixels with {@link Letterboxed.toImage}.
 */
import type { ClassifierInput, DetectorSpec } from '../assets/manifest.js';
import { writeFace } from './preprocess.js';

/** One image, letterboxed into the model input. */
export interface Letterboxed {
  /** `[1, height, width, 3]`, normalised. */
  tensor: Float32Array;
  /** A point in fractions of the model input → image pixels. */
  toImage(x: number, y: number): [number, number];
  /** Image pixels per model-input fraction (to scale sizes back). */
  pixelsPerUnit: [number, number];
}

/** Renders images into the detector's input. One canvas, reused. */
export class LetterboxRenderer {
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  /** The input as `writeFace` takes it: RGB, NHWC, the detector's normalisation. */
  private readonly pixels: ClassifierInput;

  constructor(private readonly input: DetectorSpec['input']) {
    this.pixels = { name: input.name, layout: 'NHWC', width: input.width, height: input.height, color: 'rgb', mean: input.mean, std: input.std };
    const canvas = new OffscreenCanvas(input.width, input.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('letterbox: no 2D context');
    // Downscaling several times (a 640×480 frame to 128×96) with plain bilinear sampling aliases small faces
    // away: the filtered ('medium') downscale scores them higher (a 4-face-frame face: 0.34 → 0.45).
    ctx.imageSmoothingQuality = 'medium';
    this.ctx = ctx;
  }

  render(image: ImageBitmap | OffscreenCanvas): Letterboxed {
    const { width: W, height: H } = this.input;
    const scale = Math.min(W / image.width, H / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    const left = (W - w) / 2;
    const top = (H - h) / 2;
    const ctx = this.ctx;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, W, H);
    ctx.drawImage(image, left, top, w, h);
    const rgba = ctx.getImageData(0, 0, W, H).data;
    const tensor = new Float32Array(W * H * 3);
    writeFace(rgba, this.pixels, tensor, 0);
    return {
      tensor,
      toImage: (x, y) => [(x * W - left) / scale, (y * H - top) / scale],
      pixelsPerUnit: [W / scale, H / scale],
    };
  }
}
