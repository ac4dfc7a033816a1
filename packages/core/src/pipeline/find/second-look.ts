/**
 * A second look at uncertain detections. The short-range detector sees the whole frame at 128×128: a face
 * 60 px wide in a 640×480 frame is 12 px to it, and it scores such a face 0.45–0.65 — as it scores some
 * background texture. Run again on the region around the candidate, enlarged, a real face is large enough
 * to score high and texture is not: the candidate is kept only if the detector confirms it there. The
 * confirmed detection (box and eye keypoints, measured at the higher resolution) replaces the candidate.
 */
import { greyCanvas } from './grey-canvas.js';

/** Side of the region looked at, in candidate box sides (the face then fills ~40 % of it). */
const SECOND_LOOK_CONTEXT = 2.5;
/** Side, in pixels, of the image the region is drawn into. */
export const SECOND_LOOK_SIZE = 160;
/** At most this many second looks per pass (each is one more detector run). */
export const MAX_SECOND_LOOKS = 6;
/**
 * Short-range candidates from this score up to the acceptance threshold get a second look. Measured on the
 * bench's 4-face frames (96 faces at 320×240 each): 89 found at 0.65 alone, 94 with second looks from 0.45,
 * 95 from 0.4 (and from 0.35); no face was added in the wild photos (96, one face each) or the group photos
 * (22 people): the background texture that scores 0.5–0.6 is refused on the second look.
 */
export const SECOND_LOOK_FLOOR = 0.4;

/**
 * A second look confirms a candidate at the detection threshold minus this: the detector sees the face
 * magnified there, a view of its own, so it need not score as high as a face accepted on the first pass.
 */
export const SECOND_LOOK_MARGIN = 0.05;

/**
 * On tiles a second look must confirm above the threshold: a tile shows the detector a patch of background at a
 * magnification the whole frame never does, and at {@link SECOND_LOOK_MARGIN} it took a door panel in a group
 * photo for a face. At −0.05 (0.75 for the 0.7 threshold) the group photos give exactly their people again.
 */
export const TILE_CONFIRM_MARGIN = -0.05;

/** A square region of the source image, in its pixels. */
export interface Region {
  x: number;
  y: number;
  side: number;
}

/** The region around a candidate box (it may extend past the image; the outside is drawn grey). */
export function secondLookRegion(box: { x: number; y: number; width: number; height: number }): Region {
  const side = Math.max(box.width, box.height) * SECOND_LOOK_CONTEXT;
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, side };
}

/** Draws `region` of `image` into a {@link SECOND_LOOK_SIZE} square (mid-grey where it leaves the image). */
export function renderRegion(image: ImageBitmap | OffscreenCanvas, region: Region): OffscreenCanvas {
  const { canvas, ctx } = greyCanvas(SECOND_LOOK_SIZE, SECOND_LOOK_SIZE);
  const k = SECOND_LOOK_SIZE / region.side;
  ctx.drawImage(image, -region.x * k, -region.y * k, image.width * k, image.height * k);
  return canvas;
}

/** A point of the region's image back in source pixels. */
export function fromRegion(region: Region, x: number, y: number): [number, number] {
  const k = region.side / SECOND_LOOK_SIZE;
  return [region.x + x * k, region.y + y * k];
}
