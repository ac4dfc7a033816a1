import { describe, expect, it } from 'vitest';
import { fakeFrame } from '../../testing/fake-inference.js';
import type { SignalNeed } from '../derive/signal.js';
import type { DetectedFace } from './detected-face.js';
import type { DetectorRange } from './detector-range.js';
import type { FaceDetectStage } from './face-detect-stage.js';
import type { Box } from '../box.js';
import { AUTO_FULL_RANGE_PIXELS, DENSE_FACES, FaceFinder, rangesFor, wantsTiles, type StageFactory } from './face-finder.js';
import type { IrisStage } from './iris-stage.js';
import type { MeshStage } from './mesh-stage.js';

const face = (x: number, y: number, side = 100): DetectedFace => ({ bbox: { x, y, width: side, height: side }, frame: { cx: x + side / 2, cy: y + side / 2, side, angle: 0 } });

/** A stage factory whose stages return canned faces and record what ran. */
function stages(found: Partial<Record<`${'detector' | 'mesh'}-${DetectorRange}${'' | '-tile'}`, DetectedFace[]>>) {
  const ran: string[] = [];
  const created: string[] = [];
  let failNext = false;
  let videoStages = 0;
  const factory: StageFactory = {
    detector: async (range) => {
      created.push(`detector-${range}`);
      return {
        detect: async () => (ran.push(`detector-${range}`), found[`detector-${range}`] ?? []),
        detectTile: async (_frame: ImageBitmap, tile: Box) => (ran.push(`detector-${range}-tile@${tile.x},${tile.y}`), found[`detector-${range}-tile`] ?? []),
      } as unknown as FaceDetectStage;
    },
    mesh: async (range, mode = 'image') => {
      const name = mode === 'video' ? `video-mesh-${range}#${++videoStages}` : `mesh-${range}`;
      created.push(name);
      if (failNext) {
        failNext = false;
        throw new Error('mesh failed to load');
      }
      return {
        detect: async (_frame: ImageBitmap, transform: boolean) => (ran.push(`mesh-${range}${transform ? '+transform' : ''}`), found[`mesh-${range}`] ?? []),
        detectVideo: async (_frame: ImageBitmap, timestampMs: number) => (ran.push(`${name}@${timestampMs}`), found[`mesh-${range}`] ?? []),
        detectTile: async () => (ran.push(`mesh-${range}-tile`), found[`mesh-${range}-tile`] ?? []),
        close: () => ran.push(`close-${name}`),
      } as unknown as MeshStage;
    },
    iris: async () => {
      created.push('iris');
      return { locate: async (_frame: ImageBitmap, faces: readonly DetectedFace[]) => void ran.push(`iris×${faces.length}`) } as unknown as IrisStage;
    },
  };
  return { factory, ran, created, failMeshOnce: () => (failNext = true) };
}

const find = (finder: FaceFinder, width: number, height: number, needs: SignalNeed[] = ['scores'], range: 'auto' | 'short' | 'full' | 'both' = 'auto', maxFaces = 5) =>
  finder.find(fakeFrame(width, height), { range, maxFaces, needs: new Set(needs) }).then((found) => found.faces);

describe('rangesFor (which detector passes a frame gets)', () => {
  it('runs short range alone on frames up to 1280×720 in auto mode, and adds full range above', () => {
    expect(rangesFor('auto', 1280, 720)).toEqual(['short']);
    expect(AUTO_FULL_RANGE_PIXELS).toBe(1280 * 720);
    expect(rangesFor('auto', 1281, 720)).toEqual(['short', 'full']);
  });

  it('runs what was asked whatever the size', () => {
    expect(rangesFor('short', 4000, 3000)).toEqual(['short']);
    expect(rangesFor('full', 64, 64)).toEqual(['full']);
    expect(rangesFor('both', 64, 64)).toEqual(['short', 'full']);
  });
});

describe('wantsTiles (when a frame is also searched tile by tile)', () => {
  it('tiles large frames whose whole-frame passes found no face, or a crowd short of maxFaces', () => {
    expect(wantsTiles('auto', 2100, 1750, 0, 5)).toBe(true);
    expect(wantsTiles('auto', 2100, 1750, DENSE_FACES, 100)).toBe(true);
    expect(wantsTiles('full', 2100, 1750, DENSE_FACES, 100)).toBe(true);
    expect(wantsTiles('both', 2100, 1750, 0, 5)).toBe(true);
  });

  it('does not tile a few people, a crowd already at maxFaces, a small frame or the short range', () => {
    expect(wantsTiles('auto', 2100, 1750, DENSE_FACES - 1, 100)).toBe(false);
    expect(wantsTiles('auto', 2100, 1750, DENSE_FACES, DENSE_FACES)).toBe(false);
    expect(wantsTiles('auto', 1280, 720, 0, 5)).toBe(false);
    expect(wantsTiles('short', 4000, 3000, 0, 5)).toBe(false);
  });
});

describe('FaceFinder', () => {
  it('adds the faces found on tiles of a crowded frame after the whole-frame faces, each once', async () => {
    const crowd = Array.from({ length: DENSE_FACES }, (_, i) => face(i * 300, 0, 200));
    const s = stages({ 'detector-short': crowd, 'detector-short-tile': [face(0, 0, 200), face(600, 900, 200)] });
    const faces = await find(new FaceFinder(s.factory), 2100, 1750, ['scores'], 'auto', 100);
    expect(s.ran.slice(0, 2)).toEqual(['detector-short', 'detector-full']);
    expect(s.ran.filter((r) => r.startsWith('detector-short-tile'))).toHaveLength(12);
    expect(faces.map((f) => [f.bbox.x, f.bbox.y])).toEqual([...crowd.map((f) => [f.bbox.x, 0]), [600, 900]]);
  });

  it('searches tiles with the mesh stage when a signal needs the mesh', async () => {
    const s = stages({});
    await find(new FaceFinder(s.factory), 2100, 1750, ['mesh'], 'auto', 100);
    expect(s.ran.filter((r) => r === 'mesh-short-tile')).toHaveLength(12);
  });

  it('does not tile a frame whose whole-frame passes found a few faces', async () => {
    const s = stages({ 'detector-short': [face(0, 0)] });
    await find(new FaceFinder(s.factory), 2100, 1750, ['scores'], 'auto', 100);
    expect(s.ran).toEqual(['detector-short', 'detector-full']);
  });

  it('runs the mesh only when a signal needs the mesh or the transform, and the detector on every frame', async () => {
    const s = stages({ 'detector-short': [face(0, 0)], 'mesh-short': [face(0, 0)] });
    const finder = new FaceFinder(s.factory);
    await find(finder, 640, 480, ['scores', 'previous']);
    await find(finder, 640, 480, ['scores', 'mesh']);
    await find(finder, 640, 480, ['transform']);
    expect(s.ran.filter((r) => r.startsWith('mesh'))).toEqual(['mesh-short', 'mesh-short+transform']);
    expect(s.ran.filter((r) => r === 'detector-short')).toHaveLength(3);
  });

  it("gives each mesh face the box and crop frame of the detection it matches: a face's box and emotions do not depend on the signals asked for", async () => {
    const detection = face(100, 100, 120);
    const meshOnly = face(400, 100, 80);
    const meshed = { ...face(102, 90, 118), mesh: new Float32Array(3) };
    const s = stages({ 'detector-short': [detection, face(300, 300, 60)], 'mesh-short': [meshed, { ...meshOnly, mesh: new Float32Array(3) }] });
    const faces = await find(new FaceFinder(s.factory), 640, 480, ['mesh']);
    expect(faces).toHaveLength(2); // the mesh decides which faces there are
    expect(faces[0]).toEqual({ ...meshed, bbox: detection.bbox, frame: detection.frame });
    expect(faces[1]!.bbox).toEqual(meshOnly.bbox); // no detection of it: its own box
    expect(faces[1]!.mesh).toBeDefined();
  });

  it('runs the mesh, then the iris stage once on all the faces kept, when a signal needs the iris', async () => {
    const s = stages({ 'mesh-short': [face(0, 0), face(200, 0), face(400, 0)] });
    const finder = new FaceFinder(s.factory);
    await find(finder, 640, 480, ['iris'], 'auto', 2);
    await find(finder, 640, 480, ['mesh']);
    await find(finder, 640, 480, ['iris', 'transform']);
    expect(s.ran.filter((r) => r !== 'detector-short')).toEqual(['mesh-short', 'iris×2', 'mesh-short', 'mesh-short+transform', 'iris×3']);
    expect(s.created.filter((r) => r !== 'detector-short')).toEqual(['mesh-short', 'iris']);
  });

  it('merges the passes of a large image, short-range faces first, a face found twice kept once', async () => {
    const s = stages({ 'detector-short': [face(100, 100, 200)], 'detector-full': [face(105, 98, 196), face(900, 300, 40)] });
    const faces = await find(new FaceFinder(s.factory), 1920, 1080);
    expect(s.ran).toEqual(['detector-short', 'detector-full']);
    expect(faces.map((f) => f.bbox.x)).toEqual([100, 900]);
  });

  it('drops empty boxes and keeps at most maxFaces', async () => {
    const s = stages({ 'detector-short': [face(0, 0, 0), face(0, 0), face(200, 0), face(400, 0)] });
    const faces = await find(new FaceFinder(s.factory), 640, 480, ['scores'], 'auto', 2);
    expect(faces.map((f) => f.bbox.x)).toEqual([0, 200]);
  });

  it('creates each stage once, retries one that failed to load, and closes the mesh stages', async () => {
    const s = stages({});
    const finder = new FaceFinder(s.factory);
    await finder.prepare();
    await find(finder, 640, 480);
    s.failMeshOnce();
    await expect(find(finder, 640, 480, ['mesh'])).rejects.toThrow('mesh failed to load');
    await find(finder, 640, 480, ['mesh']);
    await find(finder, 640, 480, ['mesh']);
    expect(s.created).toEqual(['detector-short', 'mesh-short', 'mesh-short']);
    await finder.close();
    expect(s.ran.at(-1)).toBe('close-mesh-short');
  });

  it("sends a stream's mesh frames to a video-mode landmarker of its own, kept until the stream closes", async () => {
    const s = stages({ 'mesh-short': [face(10, 10)] });
    const finder = new FaceFinder(s.factory);
    const frameOf = (stream: number, timestampMs: number) =>
      finder.find(fakeFrame(640, 480), { range: 'auto', maxFaces: 5, needs: new Set(['mesh']), video: { stream, timestampMs } });
    expect((await frameOf(1, 0)).faces).toHaveLength(1);
    await frameOf(1, 33);
    await frameOf(2, 5);
    // A still image, and a stream frame whose signals need no mesh, keep their own stages.
    await find(finder, 640, 480, ['mesh']);
    await finder.find(fakeFrame(640, 480), { range: 'auto', maxFaces: 5, needs: new Set(['scores']), video: { stream: 1, timestampMs: 66 } });
    expect(s.created.filter((r) => r !== 'detector-short')).toEqual(['video-mesh-short#1', 'video-mesh-short#2', 'mesh-short']);
    expect(s.ran.filter((r) => r !== 'detector-short')).toEqual(['video-mesh-short#1@0', 'video-mesh-short#1@33', 'video-mesh-short#2@5', 'mesh-short']);
    expect(s.ran.filter((r) => r === 'detector-short')).toHaveLength(5); // beside each mesh frame, and the last alone
    await finder.closeStream(1);
    expect(s.ran.at(-1)).toBe('close-video-mesh-short#1');
    // The stream's next mesh frame (a stream id is never reused, but a late frame must not find a closed stage).
    await frameOf(1, 99);
    expect(s.created.at(-1)).toBe('video-mesh-short#3');
    await finder.close();
    expect(s.ran.filter((r) => r.startsWith('close-')).sort()).toEqual(['close-mesh-short', 'close-video-mesh-short#1', 'close-video-mesh-short#2', 'close-video-mesh-short#3']);
  });
});
