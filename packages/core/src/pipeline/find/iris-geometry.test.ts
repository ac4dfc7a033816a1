import { describe, expect, it } from 'vitest';
import { cropToFrame, EYES, eyeCrop, IRIS_OUTPUT, irisToFrame } from './iris-geometry.js';

/** A mesh with only the eye corners and lid centres set: corners at `corners` (per eye, image-left one first), lids z. */
function mesh(corners: [[number, number], [number, number]][]): Float32Array {
  const m = new Float32Array(468 * 3);
  EYES.forEach((eye, e) => {
    eye.corners.forEach((index, i) => m.set([...corners[e]![i]!, 0], index * 3));
    m[eye.upper * 3 + 2] = -10 - e;
    m[eye.lower * 3 + 2] = -20 - e;
  });
  return m;
}

const close = (got: readonly number[], want: readonly number[]) => got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));

describe('eyeCrop', () => {
  it('centres the crop between the corners, scale × their distance wide, levelled on them; mirrors the left eye only', () => {
    const m = mesh([
      [[100, 200], [140, 200]],
      [[180, 200], [220, 230]],
    ]);
    expect(eyeCrop(m, EYES[0], 2.3)).toEqual({ cx: 120, cy: 200, side: 2.3 * 40, angle: 0, mirror: false });
    const left = eyeCrop(m, EYES[1], 2.3);
    expect(left).toMatchObject({ cx: 200, cy: 215, mirror: true });
    expect(left.side).toBeCloseTo(2.3 * 50);
    expect(left.angle).toBeCloseTo(Math.atan2(30, 40));
  });
});

describe('cropToFrame', () => {
  const level = { cx: 120, cy: 200, side: 64, angle: 0, mirror: false };
  it('maps the crop centre to the crop centre, and crop pixels to frame pixels at side / size', () => {
    close(cropToFrame(level, 64, 32, 32), [120, 200]);
    close(cropToFrame(level, 64, 0, 0), [88, 168]);
    close(cropToFrame({ ...level, side: 128 }, 64, 64, 32), [184, 200]);
  });

  it('mirrors left-right, never up-down', () => {
    close(cropToFrame({ ...level, mirror: true }, 64, 0, 0), [152, 168]);
    close(cropToFrame({ ...level, mirror: true }, 64, 32, 64), [120, 232]);
  });

  it('rotates with the eye line: the crop x axis runs from the first corner to the second', () => {
    const turned = { ...level, angle: Math.PI / 2 };
    close(cropToFrame(turned, 64, 64, 32), [120, 232]);
    close(cropToFrame(turned, 64, 32, 0), [152, 200]);
    // Mirrored and turned: crop-right runs back towards the first corner.
    close(cropToFrame({ ...turned, mirror: true }, 64, 64, 32), [120, 168]);
  });

  it('inverts the corner placement: the corners land where eyeCrop put them', () => {
    const m = mesh([
      [[100, 200], [140, 210]],
      [[180, 210], [220, 200]],
    ]);
    EYES.forEach((eye) => {
      const crop = eyeCrop(m, eye, 2.3);
      const [a, b] = eye.corners.map((i) => [m[i * 3]!, m[i * 3 + 1]!]);
      const half = 32 / 2.3;
      // The first corner is at crop-left unless mirrored.
      close(cropToFrame(crop, 64, 32 - half, 32), eye.mirror ? b! : a!);
      close(cropToFrame(crop, 64, 32 + half, 32), eye.mirror ? a! : b!);
    });
  });
});

describe('irisToFrame', () => {
  /** Model output with the iris centre at crop (32, 32) and its four points 8 px right, above, left, below, in the crop. */
  const output = () => {
    const points = new Float32Array(IRIS_OUTPUT.points * 3);
    [[32, 32], [40, 32], [32, 24], [24, 32], [32, 40]].forEach(([u, v], k) => points.set([u!, v!, 99], (IRIS_OUTPUT.iris + k) * 3));
    return points;
  };
  const m = mesh([
    [[100, 200], [164, 200]],
    [[200, 200], [264, 200]],
  ]);

  it('gives centre, right, top, left, bottom as seen in the image, z from the lids', () => {
    const out = new Float32Array(30);
    EYES.forEach((eye, e) => irisToFrame(output(), { ...eyeCrop(m, eye, 1), mirror: eye.mirror }, 64, m, eye, out, e * 15));
    // Subject's right eye (not mirrored): crop pixels are frame pixels around (132, 200).
    close([...out.subarray(0, 15)], [132, 200, -15, 140, 200, -15, 132, 192, -10, 124, 200, -15, 132, 208, -20]);
    // Left eye (mirrored): the model's "right" point is the image's left one, so right and left swap back.
    close([...out.subarray(15, 30)], [232, 200, -16, 240, 200, -16, 232, 192, -11, 224, 200, -16, 232, 208, -21]);
  });
});
