/**
 * The fast path of finding faces — face detection (BlazeFace): a box and six keypoints per face, enough to level the
 * eyes and frame the crop. No mesh is computed. Detections scored between the candidate floor and the
 * threshold get a second look (`second-look.ts`). The model (a {@link DetectionModel}) is an ONNX BlazeFace
 * (`onnx-detection.ts`): short range, or full range on large images.
 */
import { withBorderRetry, type PassInput } from './border-retry.js';
import type { DetectedFace } from './detected-face.js';
import type { Detection, DetectionModel } from './detection-model.js';
import { clipBox, type Box } from '../box.js';
import { detectorFrame } from '../frame/face-frame.js';
import { tileCanvas } from './tiles.js';
import { fromRegion, MAX_SECOND_LOOKS, renderRegion, SECOND_LOOK_MARGIN, TILE_CONFIRM_MARGIN, SECOND_LOOK_SIZE, secondLookRegion } from './second-look.js';

/** Detects faces with one model. */
export class FaceDetectStage {
  /**
   * @param model - runs with its floor at the candidate confidence (or the threshold when there are no second looks)
   * @param threshold - detections scoring this or more are faces; lower ones get a second look
   */
  constructor(
    private readonly model: DetectionModel,
    private readonly threshold: number,
  ) {}

  /** Faces in the frame, in the detector's order (most confident first). */
  detect(frame: ImageBitmap): Promise<DetectedFace[]> {
    return withBorderRetry(frame, (input) => this.pass(input, frame, SECOND_LOOK_MARGIN));
  }

  /** Faces in one tile of the frame (no border retry: most tiles hold no face), in frame pixels. */
  detectTile(frame: ImageBitmap, tile: Box): Promise<DetectedFace[]> {
    return this.pass({ image: tileCanvas(frame, tile), padX: -tile.x, padY: -tile.y }, frame, TILE_CONFIRM_MARGIN);
  }

  /** One detector run on `image`, which holds the frame offset by the pads; faces in frame pixels. */
  private async pass({ image, padX, padY }: PassInput, frame: { width: number; height: number }, margin: number): Promise<DetectedFace[]> {
    const faces: DetectedFace[] = [];
    let looks = 0;
    for (const candidate of await this.model.run(image)) {
      const face = candidate.score >= this.threshold ? candidate : looks++ < MAX_SECOND_LOOKS ? await this.secondLook(image, candidate, margin) : undefined;
      if (!face) continue;
      const { x, y, width, height } = face.box;
      faces.push({
        bbox: clipBox(x - padX, y - padY, x - padX + width, y - padY + height, frame.width, frame.height),
        frame: detectorFrame({ x: x - padX, y: y - padY, width, height }, [face.leftEye[0] - padX, face.leftEye[1] - padY], [face.rightEye[0] - padX, face.rightEye[1] - padY]),
      });
    }
    return faces;
  }

  /** The detection confirming `candidate` (at the threshold minus `margin`) on the enlarged region around it, in `image` pixels, if any. */
  private async secondLook(image: ImageBitmap | OffscreenCanvas, candidate: Detection, margin: number): Promise<Detection | undefined> {
    const region = secondLookRegion(candidate.box);
    const k = SECOND_LOOK_SIZE / region.side;
    const cx = (candidate.box.x + candidate.box.width / 2 - region.x) * k;
    const cy = (candidate.box.y + candidate.box.height / 2 - region.y) * k;
    const confirmed = (await this.model.run(renderRegion(image, region)))
      .filter((d) => d.score >= this.threshold - margin && cx >= d.box.x && cx <= d.box.x + d.box.width && cy >= d.box.y && cy <= d.box.y + d.box.height)
      .sort((a, b) => b.score - a.score)[0];
    if (!confirmed) return undefined;
    const [x, y] = fromRegion(region, confirmed.box.x, confirmed.box.y);
    return {
      score: confirmed.score,
      box: { x, y, width: confirmed.box.width / k, height: confirmed.box.height / k },
      leftEye: fromRegion(region, ...confirmed.leftEye),
      rightEye: fromRegion(region, ...confirmed.rightEye),
    };
  }
}
