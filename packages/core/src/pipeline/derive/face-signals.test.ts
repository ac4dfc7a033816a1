import { ACTION_UNITS } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { ACTION_UNIT_DEFINITIONS, actionUnits, intensity } from './action-units.js';
import { parseBaseline } from './baseline.js';
import { faceGeometry, MESH } from './face-geometry.js';
import { faceMeasures } from './face-measures.js';
import { computeFeatures, eyeGaze, poseOfAxes } from './face-features.js';

/** A deterministic pseudo-random face: random points, with the frame's anchor points where a frontal face has them. */
function syntheticMesh(seed = 1): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const mesh = new Float32Array(478 * 3).map(() => rand() * 60);
  const set = (i: number, x: number, y: number, z: number) => mesh.set([x, y, z], i * 3);
  set(MESH.rightEyeOuter, -45, 0, 0);
  set(MESH.rightEyeInner, -15, 0, 0);
  set(MESH.leftEyeInner, 15, 0, 0);
  set(MESH.leftEyeOuter, 45, 0, 0);
  set(MESH.nasion, 0, -2, 0);
  set(MESH.chin, 0, 110, 0);
  return mesh;
}

/** `mesh` rotated by yaw (about y), pitch (about x), roll (about z) in degrees, scaled by `k`, moved by (dx, dy). */
function transformed(mesh: Float32Array, yaw: number, pitch: number, roll: number, k = 1, dx = 0, dy = 0): Float32Array {
  const [a, b, c] = [yaw, pitch, roll].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const out = new Float32Array(mesh.length);
  for (let i = 0; i < mesh.length; i += 3) {
    let [x, y, z] = [mesh[i]!, mesh[i + 1]!, mesh[i + 2]!];
    // pitch: looking up moves the chin forward (toward the camera, −z) — y down, z away from the camera.
    [y, z] = [y * Math.cos(b) + z * Math.sin(b), -y * Math.sin(b) + z * Math.cos(b)];
    // yaw: turning to the face's left (the viewer's right) brings the nose to +x.
    [x, z] = [x * Math.cos(a) - z * Math.sin(a), x * Math.sin(a) + z * Math.cos(a)];
    // roll: clockwise as the viewer sees it (y down).
    [x, y] = [x * Math.cos(c) - y * Math.sin(c), x * Math.sin(c) + y * Math.cos(c)];
    out.set([x * k + dx, y * k + dy, z * k], i);
  }
  return out;
}

describe('the head frame', () => {
  it('makes every measure independent of head pose, face size and position', () => {
    const mesh = syntheticMesh();
    const base = faceMeasures(faceGeometry(mesh)!);
    for (const [yaw, pitch, roll, k] of [[30, 0, 0, 1], [0, -20, 0, 2], [0, 0, 25, 0.5], [-35, 15, -10, 3.3]] as const) {
      const moved = faceMeasures(faceGeometry(transformed(mesh, yaw, pitch, roll, k, 300, -40))!);
      for (const key of Object.keys(base) as (keyof typeof base)[]) expect(moved[key]).toBeCloseTo(base[key], 4);
    }
  });

  it('reads head pose from the mesh axes, in the schema signs', () => {
    const mesh = syntheticMesh();
    expect(poseOfAxes(faceGeometry(mesh)!)).toEqual({ yaw: 0, pitch: 0, roll: 0 });
    expect(poseOfAxes(faceGeometry(transformed(mesh, 0, 0, 30))!).roll).toBeCloseTo(30, 0);
    expect(poseOfAxes(faceGeometry(transformed(mesh, 0, 0, -30))!).roll).toBeCloseTo(-30, 0);
    expect(poseOfAxes(faceGeometry(transformed(mesh, 25, 0, 0))!).yaw).toBeCloseTo(25, 0);
    expect(poseOfAxes(faceGeometry(transformed(mesh, 0, 20, 0))!).pitch).toBeCloseTo(20, 0);
  });

  it('gives no frame for a degenerate mesh (eyes on one point, NaN)', () => {
    expect(faceGeometry(new Float32Array(478 * 3))).toBeUndefined();
    expect(faceGeometry(new Float32Array(478 * 3).fill(Number.NaN))).toBeUndefined();
    const face = { bbox: { x: 0, y: 0, width: 1, height: 1 }, frame: { cx: 0, cy: 0, side: 1, angle: 0 } };
    expect(computeFeatures({ ...face, mesh: new Float32Array(478 * 3) }, {})).toBeUndefined();
    expect(computeFeatures(face, {})).toBeUndefined();
  });
});

describe('gaze from the irises', () => {
  it('is zero with each iris at its eye centre, and flips its yaw with the image', () => {
    const mesh = syntheticMesh();
    const g = faceGeometry(mesh)!;
    const iris = (dx: number) => {
      const out = new Float32Array(30);
      out.set([-30 + dx, 0, 0], 0);
      out.set([30 + dx, 0, 0], 15);
      return out;
    };
    expect(eyeGaze(g, iris(0))).toEqual({ yaw: 0, pitch: 0 });
    const right = eyeGaze(g, iris(5))!;
    expect(right.yaw).toBeGreaterThan(10);
    // The mirror image: x negated, the eyes' roles swapped (the mesh names the image-left eye the subject's right).
    const mirrored = new Float32Array(mesh.length);
    for (let i = 0; i < mesh.length; i += 3) mirrored.set([-mesh[i]!, mesh[i + 1]!, mesh[i + 2]!], i);
    const swap = (a: number, b: number) => {
      const t = mirrored.slice(a * 3, a * 3 + 3);
      mirrored.set(mirrored.slice(b * 3, b * 3 + 3), a * 3);
      mirrored.set(t, b * 3);
    };
    swap(MESH.rightEyeOuter, MESH.leftEyeOuter);
    swap(MESH.rightEyeInner, MESH.leftEyeInner);
    swap(MESH.rightEyeTop, MESH.leftEyeTop);
    swap(MESH.rightEyeBottom, MESH.leftEyeBottom);
    const mirroredIris = iris(-5);
    expect(eyeGaze(faceGeometry(mirrored)!, mirroredIris)!.yaw).toBeCloseTo(-right.yaw, 6);
  });
});

describe('action units', () => {
  it('are the schema\'s units, in AU-number order, each with a positive span', () => {
    expect(ACTION_UNIT_DEFINITIONS.map((d) => d.code)).toEqual([...ACTION_UNITS]);
    const numbers = ACTION_UNIT_DEFINITIONS.map((d) => Number(d.code.slice(2)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    for (const d of ACTION_UNIT_DEFINITIONS) expect(d.span).toBeGreaterThan(0);
  });

  it('maps a raw measure to [0, 1] from neutral over the span, clamped', () => {
    const d = ACTION_UNIT_DEFINITIONS[0]!;
    expect(intensity(d, d.neutral)).toBe(0);
    expect(intensity(d, d.neutral - 5)).toBe(0);
    expect(intensity(d, d.neutral + d.span / 2)).toBeCloseTo(0.5, 12);
    expect(intensity(d, d.neutral + 5 * d.span)).toBe(1);
    // A baseline of the face's own replaces the population's neutral.
    expect(intensity(d, d.neutral + d.span, d.neutral + d.span)).toBe(0);
  });

  it('gives every unit, WIA-shaped, rounded to 3 decimals', () => {
    const raw = ACTION_UNIT_DEFINITIONS.map((d) => d.neutral + d.span / 3);
    const units = actionUnits(raw);
    expect(units.map((u) => u.au)).toEqual([...ACTION_UNITS]);
    for (const u of units) expect(u.intensity).toBe(0.333);
  });
});

describe('calibration JSON', () => {
  const good = { version: 1, actionUnits: ACTION_UNIT_DEFINITIONS.map((d) => d.neutral), gaze: { yaw: 2, pitch: -3 } };

  it('takes what calibrate() gives, as a copy', () => {
    const parsed = parseBaseline(good);
    expect(parsed).toEqual(good);
    expect(parsed.actionUnits).not.toBe(good.actionUnits);
  });

  it.each([
    ['not an object', 'x'],
    ['null', null],
    ['an array', []],
    ['another version', { ...good, version: 2 }],
    ['too few units', { ...good, actionUnits: [1, 2] }],
    ['a NaN unit', { ...good, actionUnits: good.actionUnits.map((v, i) => (i === 3 ? Number.NaN : v)) }],
    ['a string unit', { ...good, actionUnits: good.actionUnits.map((v, i) => (i === 3 ? '1' : v)) }],
    ['a huge unit', { ...good, actionUnits: good.actionUnits.map((v, i) => (i === 3 ? 1e9 : v)) }],
    ['gaze out of range', { ...good, gaze: { yaw: 200, pitch: 0 } }],
    ['gaze not an object', { ...good, gaze: 3 }],
    ['a foreign field', { ...good, extra: 1 }],
  ])('refuses %s with INVALID_REQUEST on calibration', (_, value) => {
    expect(() => parseBaseline(value)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'calibration' }) }));
  });
});
