/**
 * Action units, attention, calibration and the Wakee learning states through the public API, in Chromium with the
 * real models, on real photos:
 * - each action unit's separation (ROC AUC of its intensity, expression vs neutral) on the 96 wild photos and on a
 *   fixed sample of FER2013 PrivateTest faces (FER+ majority labels), pinned at what was measured minus a margin;
 * - head pose follows an in-plane rotation (±30° roll) and a mirror (yaw flips); gaze flips with a mirror;
 * - `calibrate()` refuses no face and two faces with typed errors, and measures from the face's own neutral after;
 * - `predictWakee` and `return_action_units` give the REST shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rocAuc } from '../eval/metrics.ts';
import { FER_BYTES, ferRoot } from '../eval/fer-data.ts';
import { AU_CONTRASTS } from '../eval/signals/au-contrasts.ts';
import { ferFaces } from '../eval/signals/face-meshes.ts';
import { openDetectorPage, type TestPage } from './harness.ts';
import { happyPhoto, wildPhotos } from './photos.ts';

type Units = Record<string, number> | null;

let t: TestPage;
beforeAll(async () => {
  t = await openDetectorPage();
});
afterAll(async () => {
  await t?.close();
});

const WILD_WORDS: Record<string, string> = { angry: 'anger', happy: 'happiness', sad: 'sadness', neutral: 'neutral', surprise: 'surprise', fear: 'fear', disgust: 'disgust' };

function separation(faces: { label: string; units: Units }[]): Map<string, number> {
  const found = faces.filter((f): f is { label: string; units: Record<string, number> } => f.units !== null);
  const neutral = found.filter((f) => f.label === 'neutral');
  return new Map(AU_CONTRASTS.map(({ au, expression }) => [`${au}/${expression}`, rocAuc(found.filter((f) => f.label === expression).map((f) => f.units[au]!), neutral.map((f) => f.units[au]!))]));
}

/**
 * AUC measured on 2026-11-28 (wild; FER PrivateTest sample of 40 per class, all 13 disgust) with the shipped
 * mesh, minus 0.05: a change to the measures or the mesh that loses separation fails here.
 */
const PINNED_WILD: Record<string, number> = {
  'AU6/happiness': 0.67, 'AU12/happiness': 0.91, 'AU14/happiness': 0.90, 'AU1/surprise': 0.53, 'AU2/surprise': 0.56,
  'AU5/surprise': 0.46, 'AU25/surprise': 0.89, 'AU26/surprise': 0.70, 'AU4/anger': 0.58, 'AU7/anger': 0.61,
  'AU23/anger': 0.43, 'AU1/sadness': 0.52, 'AU4/sadness': 0.48, 'AU15/sadness': 0.33, 'AU17/sadness': 0.59,
  'AU9/disgust': 0.54, 'AU10/disgust': 0.73, 'AU1/fear': 0.64, 'AU2/fear': 0.61, 'AU4/fear': 0.40, 'AU5/fear': 0.57,
  'AU20/fear': 0.63,
};
const PINNED_FER: Record<string, number> = {
  'AU6/happiness': 0.77, 'AU12/happiness': 0.91, 'AU14/happiness': 0.91, 'AU1/surprise': 0.62, 'AU2/surprise': 0.62,
  'AU5/surprise': 0.68, 'AU25/surprise': 0.79, 'AU26/surprise': 0.43, 'AU4/anger': 0.73, 'AU7/anger': 0.45,
  'AU23/anger': 0.52, 'AU1/sadness': 0.56, 'AU4/sadness': 0.48, 'AU15/sadness': 0.34, 'AU17/sadness': 0.59,
  'AU9/disgust': 0.56, 'AU10/disgust': 0.61, 'AU1/fear': 0.65, 'AU2/fear': 0.63, 'AU4/fear': 0.50, 'AU5/fear': 0.58,
  'AU20/fear': 0.55,
};

describe('action units on real photos', () => {
  it('separate each expression from neutral as measured (wild photos)', async () => {
    const photos = wildPhotos();
    const units = await t.page.evaluate(async (urls) => {
      const out: Units[] = [];
      for (const url of urls) {
        const result = await window.detector.detect(await (await fetch(url)).blob(), { returnActionUnits: true, maxFaces: 1 });
        const face = result.faces[0];
        out.push(face?.action_units ? Object.fromEntries(face.action_units.map((u) => [u.au, u.intensity])) : null);
      }
      return out;
    }, photos.map((p) => p.url));
    expect(units.filter((u) => u !== null).length).toBe(photos.length);
    const auc = separation(photos.map((p, i) => ({ label: WILD_WORDS[p.label]!, units: units[i]! })));
    expect([...auc.keys()].sort()).toEqual(Object.keys(PINNED_WILD).sort());
    for (const [key, floor] of Object.entries(PINNED_WILD)) expect(auc.get(key), key).toBeGreaterThanOrEqual(floor);
  });

  it('separate each expression from neutral as measured (FER2013 PrivateTest sample)', async () => {
    const picks = ferFaces('PrivateTest', 40);
    const images = readFileSync(join(ferRoot(), 'images.u8'));
    const pixels = picks.map((p) => Array.from(images.subarray(p.index * FER_BYTES, (p.index + 1) * FER_BYTES)));
    const units = await t.page.evaluate(async (faces) => {
      const out: Units[] = [];
      for (const grey of faces) {
        const small = new ImageData(48, 48);
        grey.forEach((v, i) => small.data.set([v, v, v, 255], i * 4));
        const canvas = new OffscreenCanvas(48, 48);
        canvas.getContext('2d')!.putImageData(small, 0, 0);
        const big = new OffscreenCanvas(192, 192);
        big.getContext('2d')!.drawImage(canvas, 0, 0, 192, 192);
        const result = await window.detector.detect(await createImageBitmap(big), { returnActionUnits: true, faceRange: 'short', maxFaces: 1 });
        const face = result.faces[0];
        out.push(face?.action_units ? Object.fromEntries(face.action_units.map((u) => [u.au, u.intensity])) : null);
      }
      return out;
    }, pixels);
    expect(units.filter((u) => u !== null).length).toBeGreaterThanOrEqual(0.9 * picks.length);
    const auc = separation(picks.map((p, i) => ({ label: p.label, units: units[i]! })));
    expect([...auc.keys()].sort()).toEqual(Object.keys(PINNED_FER).sort());
    for (const [key, floor] of Object.entries(PINNED_FER)) expect(auc.get(key), key).toBeGreaterThanOrEqual(floor);
  });
});

/** The photo at `url`, turned by `degrees` clockwise and/or mirrored, through `detect` with attention and head pose. */
async function posed(url: string, degrees: number, mirror: boolean) {
  return t.page.evaluate(
    async ({ url, degrees, mirror }) => {
      const image = await createImageBitmap(await (await fetch(url)).blob());
      const side = Math.ceil(Math.hypot(image.width, image.height));
      const canvas = new OffscreenCanvas(side, side);
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#808080';
      g.fillRect(0, 0, side, side);
      g.translate(side / 2, side / 2);
      g.rotate((degrees * Math.PI) / 180);
      if (mirror) g.scale(-1, 1);
      g.drawImage(image, -image.width / 2, -image.height / 2);
      const result = await window.detector.detect(await createImageBitmap(canvas), { returnAttention: true, returnHeadPose: true, maxFaces: 1 });
      return result.faces[0] ?? null;
    },
    { url, degrees, mirror },
  );
}

describe('head pose and gaze', () => {
  const photo = happyPhoto();

  it('follow an in-plane rotation of ±30° (roll within 5°)', async () => {
    const upright = (await posed(photo, 0, false))!;
    for (const degrees of [30, -30]) {
      const turned = (await posed(photo, degrees, false))!;
      expect(turned.attention!.head_pose.roll - upright.attention!.head_pose.roll).toBeGreaterThan(degrees - 5);
      expect(turned.attention!.head_pose.roll - upright.attention!.head_pose.roll).toBeLessThan(degrees + 5);
      expect(turned.head_pose!.roll - upright.head_pose!.roll).toBeGreaterThan(degrees - 5);
      expect(turned.head_pose!.roll - upright.head_pose!.roll).toBeLessThan(degrees + 5);
    }
  });

  it('flip yaw and gaze yaw with a mirror', async () => {
    // The wild photos whose head is turned (|yaw| > 12°), and whose gaze is off-centre, as found on the upright photo.
    let checked = 0, gazeChecked = 0;
    for (const { url } of wildPhotos().filter((_, i) => i % 3 === 0)) {
      const plain = await posed(url, 0, false);
      const mirrored = await posed(url, 0, true);
      if (!plain?.attention || !mirrored?.attention) continue;
      if (Math.abs(plain.attention.head_pose.yaw) > 12) {
        checked++;
        expect(Math.sign(mirrored.attention.head_pose.yaw)).toBe(-Math.sign(plain.attention.head_pose.yaw));
        expect(Math.sign(mirrored.head_pose!.yaw)).toBe(-Math.sign(plain.head_pose!.yaw));
      }
      if (plain.attention.gaze && mirrored.attention.gaze && Math.abs(plain.attention.gaze.yaw) > 12) {
        gazeChecked++;
        expect(Math.sign(mirrored.attention.gaze.yaw)).toBe(-Math.sign(plain.attention.gaze.yaw));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(gazeChecked).toBeGreaterThanOrEqual(3);
  });

  it('report eye openness, and gaze near the head pose on a frontal face', async () => {
    const face = (await posed(photo, 0, false))!;
    expect(face.attention!.eyes.left).toBeGreaterThan(0.4);
    expect(face.attention!.eyes.right).toBeGreaterThan(0.4);
    expect(face.attention!.eyes_closed).toBe(false);
    expect(face.attention!.gaze).toBeDefined();
    expect(face.attention!.blink_rate).toBeUndefined();
  });
});

describe('on a stream', () => {
  it('reports the blink rate once 10 s are seen, and learning states from the face\'s history', async () => {
    const out = await t.page.evaluate(async (url) => {
      const base64 = await new Promise<string>(async (resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsDataURL(await (await fetch(url)).blob());
      });
      // 10.5 s of one photo at 30 fps: a face that never blinks, looking at the camera.
      const frames = Array.from({ length: 316 }, () => base64);
      const video = await window.detector.analyzeVideo(frames, { returnAttention: true, returnLearningStates: true });
      return video.timeline.map((entry) => ({ t: entry.timestamp_ms, id: entry.faces[0]?.face_id, attention: entry.faces[0]?.attention, states: entry.faces[0]?.learning_states }));
    }, happyPhoto());
    expect(out.every((f) => f.id === out[0]!.id && f.attention && f.states)).toBe(true);
    const before = out.filter((f) => f.t < 9_900);
    const after = out.filter((f) => f.t >= 10_050);
    expect(before.every((f) => f.attention!.blink_rate === undefined)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((f) => f.attention!.blink_rate === 0)).toBe(true);
    // A steady, smiling face at the camera: engaged, not bored, from the first frames to the last.
    const last = out.at(-1)!.states!;
    expect(last.engagement).toBeGreaterThan(last.boredom);
    expect(Math.abs(last.engagement - out[30]!.states!.engagement)).toBeLessThan(0.5);
  }, 240_000);
});

describe('calibration', () => {
  it('refuses a frame without a face, and one with two faces, with typed errors; the detector goes on', async () => {
    const codes = await t.page.evaluate(async (url) => {
      const grey = new OffscreenCanvas(320, 240);
      grey.getContext('2d')!.fillRect(0, 0, 320, 240);
      const photo = await createImageBitmap(await (await fetch(url)).blob());
      const two = new OffscreenCanvas(photo.width * 2, photo.height);
      two.getContext('2d')!.drawImage(photo, 0, 0);
      two.getContext('2d')!.drawImage(photo, photo.width, 0);
      const code = async (call: () => Promise<unknown>) => {
        try {
          await call();
          return 'resolved';
        } catch (e) {
          const error = e as { code: string; details?: { kind?: string; field?: string } };
          return `${error.code}/${error.details?.kind ?? error.details?.field ?? ''}`;
        }
      };
      return {
        none: await code(() => window.detector.calibrate(grey)),
        two: await code(() => window.detector.calibrate(two)),
        garbage: await code(async () => window.detector.setCalibration({ version: 1, actionUnits: [Number.NaN] } as never)),
        badOption: await code(() => window.detector.detect(photo, { calibration: 'x' as never })),
        after: (await window.detector.detect(photo)).faces.length,
        calibration: window.detector.calibration ?? null,
      };
    }, happyPhoto());
    expect(codes).toEqual({ none: 'NO_FACE_DETECTED/calibration', two: 'INVALID_REQUEST/several_faces', garbage: 'INVALID_REQUEST/calibration', badOption: 'INVALID_REQUEST/calibration', after: 1, calibration: null });
  });

  it('measures from the face\'s own neutral: the calibrated frame reads near zero, another expression does not', async () => {
    const photos = wildPhotos();
    const neutral = photos.find((p) => p.label === 'neutral')!.url;
    const out = await t.page.evaluate(
      async ({ neutral, happy }) => {
        const blob = async (url: string) => (await fetch(url)).blob();
        const sum = (r: Awaited<ReturnType<typeof window.detector.detect>>) => r.faces[0]!.action_units!.reduce((a, u) => a + u.intensity, 0);
        const baseline = await window.detector.calibrate(await blob(neutral));
        const own = sum(await window.detector.detect(await blob(neutral), { returnActionUnits: true }));
        const smile = (await window.detector.detect(await blob(happy), { returnActionUnits: true })).faces[0]!.action_units!.find((u) => u.au === 'AU12')!.intensity;
        const uncalibrated = sum(await window.detector.detect(await blob(neutral), { returnActionUnits: true, calibration: null }));
        window.detector.setCalibration(null);
        return { baseline, own, smile, uncalibrated, cleared: window.detector.calibration ?? null };
      },
      { neutral, happy: happyPhoto() },
    );
    expect(out.baseline.version).toBe(1);
    expect(out.baseline.actionUnits).toHaveLength(17);
    expect(out.own).toBeLessThan(0.05);
    expect(out.smile).toBeGreaterThan(0.5);
    expect(out.uncalibrated).toBeGreaterThan(out.own);
    expect(out.cleared).toBeNull();
  });
});

describe('REST shapes', () => {
  it('predictWakee gives the Wakee /predict body, and NO_FACE_DETECTED without a face', async () => {
    const out = await t.page.evaluate(async (url) => {
      const prediction = await window.detector.predictWakee(await (await fetch(url)).blob());
      let code = '';
      try {
        const grey = new OffscreenCanvas(320, 240);
        grey.getContext('2d')!.fillRect(0, 0, 320, 240);
        await window.detector.predictWakee(grey);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      return { prediction, code };
    }, happyPhoto());
    expect(Object.keys(out.prediction)).toEqual(['boredom', 'confusion', 'engagement', 'frustration', 'timestamp']);
    for (const state of ['boredom', 'confusion', 'engagement', 'frustration'] as const) {
      expect(out.prediction[state]).toBeGreaterThanOrEqual(0);
      expect(out.prediction[state]).toBeLessThanOrEqual(3);
    }
    expect(out.prediction.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    // A smile is more engaged than bored.
    expect(out.prediction.engagement).toBeGreaterThan(out.prediction.boredom);
    expect(out.code).toBe('NO_FACE_DETECTED');
  });

  it('return_action_units fills the WIA action_units, sorted by AU number', async () => {
    const units = await t.page.evaluate(async (url) => {
      const base64 = await new Promise<string>(async (resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsDataURL(await (await fetch(url)).blob());
      });
      return (await window.detector.analyzeFace({ image_base64: base64, options: { return_action_units: true } })).faces[0]!.action_units!;
    }, happyPhoto());
    expect(units.map((u) => u.au)).toEqual(['AU1', 'AU2', 'AU4', 'AU5', 'AU6', 'AU7', 'AU9', 'AU10', 'AU12', 'AU14', 'AU15', 'AU17', 'AU20', 'AU23', 'AU25', 'AU26', 'AU43']);
    expect(units.find((u) => u.au === 'AU12')!.intensity).toBeGreaterThan(0.5);
  });
});
