/**
 * The iris stage on real photos in Chromium: the face finder with `iris` needed runs the mesh, then the iris model
 * on both eyes of each face (`page/iris-faces.ts` wires the SDK's own stages as the pipeline worker does, on the
 * page's thread: the public result gives the gaze the points make, not the points, whose geometry this checks;
 * `signals.test.ts` checks gaze through `returnAttention`). Each iris centre must lie inside its eye — between the eye
 * corners (mesh 33/133, 362/263) and between the lid centres (159/145, 386/374) — its four points round it in the
 * documented order, and a mirrored photo must give the mirrored points.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPage, type TestPage } from './harness.ts';
import { wildPhotos } from './photos.ts';
import type { IrisFace } from './page/iris-faces.ts';

/** Per eye, subject's right (image left) first: mesh corners (image-left one first) and lid centres (upper, lower). */
const EYES = [
  { corners: [33, 133], lids: [159, 145] },
  { corners: [362, 263], lids: [386, 374] },
] as const;

/** Wild photos with both eyes open and clear: the first of each class but `disgust` (mostly squeezed shut), and the face-api smile. */
const PHOTOS = ['angry/', 'fear/', 'happy/faceapi_happy', 'neutral/', 'sad/', 'surprise/'].map((prefix) => wildPhotos().find((p) => p.url.includes(`/wild/${prefix}`))!.url);

let t: TestPage;
beforeAll(async () => {
  t = await openTestPage();
  await t.page.evaluate(async () => {
    const { irisFinder } = (await window.loadModule('/iris-faces.ts')) as typeof import('./page/iris-faces.ts');
    (window as unknown as { irisFinder: Awaited<ReturnType<typeof irisFinder>> }).irisFinder = await irisFinder();
  });
});
afterAll(async () => {
  await t?.page.evaluate(() => (window as unknown as { irisFinder: import('./page/iris-faces.ts').IrisFinder }).irisFinder.close());
  await t?.close();
});

/** Faces of the photo at `url` (mirrored when `mirror`) found with `needs`. */
function find(url: string, needs: ('mesh' | 'iris')[], mirror = false): Promise<{ faces: IrisFace[]; ms: number; width: number }> {
  return t.page.evaluate(
    async ({ url, needs, mirror }) => {
      const image = await createImageBitmap(await (await fetch(url)).blob(), { imageOrientation: 'from-image' });
      try {
        return await (window as unknown as { irisFinder: import('./page/iris-faces.ts').IrisFinder }).irisFinder.find(image, needs, mirror);
      } finally {
        image.close();
      }
    },
    { url, needs, mirror },
  );
}

const point = (values: readonly number[], i: number): [number, number] => [values[i * 3]!, values[i * 3 + 1]!];

/**
 * Point `p` in eye `e`'s own frame: `u` along its corner line (0 at the image-left corner, 1 at the other), `v` across
 * it in corner-distance units (down positive), and the lids' `v`.
 */
function inEye(mesh: readonly number[], e: 0 | 1, p: [number, number]): { u: number; v: number; upper: number; lower: number } {
  const [a, b] = EYES[e].corners.map((i) => point(mesh, i)) as [[number, number], [number, number]];
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const d2 = dx * dx + dy * dy;
  const local = ([x, y]: [number, number]) => ({ u: ((x - a[0]) * dx + (y - a[1]) * dy) / d2, v: (-(x - a[0]) * dy + (y - a[1]) * dx) / d2 });
  const { u, v } = local(p);
  return { u, v, upper: local(point(mesh, EYES[e].lids[0])).v, lower: local(point(mesh, EYES[e].lids[1])).v };
}

describe('iris stage (mesh + iris model) on real photos', () => {
  it('finds no iris unless asked, and 10 points per face when asked', async () => {
    const plain = await find(PHOTOS[0]!, ['mesh']);
    expect(plain.faces).toHaveLength(1);
    expect(plain.faces[0]!.iris).toBeUndefined();
    const withIris = await find(PHOTOS[0]!, ['iris']);
    expect(withIris.faces).toHaveLength(1);
    expect(withIris.faces[0]!.mesh).toHaveLength(468 * 3);
    expect(withIris.faces[0]!.iris).toHaveLength(10 * 3);
  });

  it.each(PHOTOS)('puts each iris centre inside its eye, its four points right, top, left, bottom of it: %s', async (url) => {
    const { faces } = await find(url, ['iris']);
    expect(faces).toHaveLength(1);
    const { mesh, iris } = faces[0]!;
    for (const e of [0, 1] as const) {
      const at = (k: number) => inEye(mesh, e, point(iris!, e * 5 + k));
      const centre = at(0);
      expect(centre.u, `eye ${e} centre between the corners`).toBeGreaterThan(0.15);
      expect(centre.u).toBeLessThan(0.85);
      expect(centre.v, `eye ${e} centre below the upper lid`).toBeGreaterThan(centre.upper);
      expect(centre.v, `eye ${e} centre above the lower lid`).toBeLessThan(centre.lower);
      const [right, top, left, bottom] = [1, 2, 3, 4].map(at) as [typeof centre, typeof centre, typeof centre, typeof centre];
      expect(right.u).toBeGreaterThan(centre.u);
      expect(left.u).toBeLessThan(centre.u);
      expect(top.v).toBeLessThan(centre.v);
      expect(bottom.v).toBeGreaterThan(centre.v);
      // z comes from the mesh: the top point's is the upper lid's.
      expect(iris![(e * 5 + 2) * 3 + 2]).toBe(mesh[EYES[e].lids[0] * 3 + 2]);
    }
  });

  it('gives the mirrored points on the mirrored photos (closer than the mesh mirrors its own eye corners)', async () => {
    const errors: number[] = [];
    const meshErrors: number[] = [];
    for (const url of PHOTOS) {
      const [plain, mirrored] = [await find(url, ['iris']), await find(url, ['iris'], true)];
      const a = plain.faces[0]!, b = mirrored.faces[0]!;
      /** Distance of point `p` of the photo from the mirror image of point `q` of the mirrored photo, in eye `e`'s corner distances. */
      const gap = (e: 0 | 1, p: [number, number], q: [number, number]) => {
        const [c0, c1] = EYES[e].corners.map((i) => point(a.mesh, i)) as [[number, number], [number, number]];
        return Math.hypot(plain.width - q[0] - p[0], q[1] - p[1]) / Math.hypot(c1[0] - c0[0], c1[1] - c0[1]);
      };
      for (const e of [0, 1] as const) {
        // The subject's right eye in the mirrored photo is the photo's left eye; its right and left points swap, and
        // so do its corners.
        const twin = (1 - e) as 0 | 1;
        [0, 3, 2, 1, 4].forEach((k, j) => errors.push(gap(e, point(a.iris!, e * 5 + j), point(b.iris!, twin * 5 + k))));
        EYES[e].corners.forEach((corner, j) => meshErrors.push(gap(e, point(a.mesh, corner), point(b.mesh, EYES[twin].corners[1 - j]!))));
      }
    }
    const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
    console.log(
      `iris mirror gap (corner distances): median ${median(errors).toFixed(3)}, max ${Math.max(...errors).toFixed(3)}; ` +
        `mesh eye corners: median ${median(meshErrors).toFixed(3)}, max ${Math.max(...meshErrors).toFixed(3)}`,
    );
    expect(median(errors)).toBeLessThan(0.05);
    expect(Math.max(...errors)).toBeLessThan(0.15);
  });
});
