/**
 * `pnpm bench --tracking`: how well a live stream keeps faces apart and its labels steady, on a fake camera
 * (Chromium's `--use-file-for-fake-video-capture`) playing clips scripted from the wild photos (`y4m.ts`):
 * - crossing: faces A and B cross paths, C leaves for 2.5 s and returns (the clip of `test/browser/stream.test.ts`);
 *   id switches per 1,000 frames (an id whose face jumps further than a face can move between two results has
 *   moved to another face) and extra ids (a face that lost its id and got a new one; C's return is expected);
 * - steady: one face with a constant expression, gently moving, with a webcam's sensor noise (±24 grey levels);
 *   primary-label changes per minute, of the frame's
 *   own labels (`raw`) and of the smoothed, hysteresis-held ones.
 * The SDK runs on the test page (`test/browser/page`, served by Vite as in the browser tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireData } from '../setup/paths.ts';
import { centreSquare, decodeJpeg, writeScenarioVideo, type Sprite } from '../browser/y4m.ts';
import { withTestPage } from './test-page.ts';

/**
 * The steady clip's face: an ambiguous one (labelled fear), which under sensor noise the classifier reads as
 * neutral, fear, surprise or sadness from frame to frame; a clearly happy face never flickers and shows nothing.
 */
const STEADY_PHOTO = 'fear/Ellen_DeGeneres_0002.jpg';
/** A face cannot move this far (px, centre to centre) between two results of a 640×480 stream. */
const JUMP_PX = 80;

export interface TrackingClipResult {
  clip: string;
  seconds: number;
  results: number;
  faceObservations: number;
  ids: number;
  /** Ids beyond the faces that appear (a face that came back after the grace counts as one more face). */
  extraIds: number;
  idSwitches: number;
  idSwitchesPer1000Frames: number;
  resultsPerSecond: number;
}

export interface SteadyResult {
  seconds: number;
  results: number;
  rawChangesPerMinute: number;
  smoothedChangesPerMinute: number;
  rawLabels: Record<string, number>;
  smoothedLabels: Record<string, number>;
}

export interface TrackingResults {
  date: string;
  /** The clips' frame rate (`--tracking-fps`; 30 by default). */
  fps: number;
  crossing: TrackingClipResult;
  steady: SteadyResult;
}

interface Observation {
  at: number;
  faces: { id: number; cx: number; cy: number; label: string; raw: string }[];
}

const face = (relative: string) => centreSquare(decodeJpeg(join(requireData(), 'wild', relative)), 260);

/** Runs one clip through `detector.stream` for `seconds` and returns every result's faces. */
async function observe(clip: string, seconds: number): Promise<Observation[]> {
  const camera = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`];
  return withTestPage(camera, (page) =>
    page.evaluate(async (ms) => {
      const detector = await window.emolens.createDetector({ backend: 'wasm' });
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      const seen: Observation[] = [];
      const started = performance.now();
      const live = detector.stream(media, {
        onResult: ({ result }) =>
          seen.push({
            at: performance.now() - started,
            faces: result.faces.map((f) => ({
              id: f.face_id,
              cx: f.bbox.x + f.bbox.width / 2,
              cy: f.bbox.y + f.bbox.height / 2,
              label: f.emotions.primary.label,
              raw: f.raw?.emotions.primary.label ?? f.emotions.primary.label,
            })),
          }),
      });
      await new Promise((r) => setTimeout(r, ms));
      await live.stop();
      media.getTracks().forEach((t) => t.stop());
      detector.dispose();
      return seen;
    }, seconds * 1000),
  );
}

function crossingFigures(seen: Observation[], seconds: number, faces: number): TrackingClipResult {
  const last = new Map<number, { cx: number; cy: number }>();
  let switches = 0;
  let observations = 0;
  for (const s of seen) {
    for (const f of s.faces) {
      observations++;
      const before = last.get(f.id);
      if (before && Math.hypot(f.cx - before.cx, f.cy - before.cy) > JUMP_PX) switches++;
      last.set(f.id, f);
    }
  }
  return {
    clip: 'crossing',
    seconds,
    results: seen.length,
    faceObservations: observations,
    ids: last.size,
    extraIds: Math.max(0, last.size - faces),
    idSwitches: switches,
    idSwitchesPer1000Frames: seen.length ? Math.round((switches * 1000 * 10) / seen.length) / 10 : 0,
    resultsPerSecond: Math.round((seen.length / seconds) * 10) / 10,
  };
}

function steadyFigures(seen: Observation[], seconds: number): SteadyResult {
  const count = (key: 'label' | 'raw') => {
    let changes = 0;
    let previous: string | undefined;
    const labels: Record<string, number> = {};
    for (const s of seen) {
      const f = s.faces[0];
      if (!f) continue;
      labels[f[key]] = (labels[f[key]] ?? 0) + 1;
      if (previous !== undefined && f[key] !== previous) changes++;
      previous = f[key];
    }
    return { perMinute: Math.round((changes * 600) / seconds) / 10, labels };
  };
  const raw = count('raw');
  const smoothed = count('label');
  return { seconds, results: seen.length, rawChangesPerMinute: raw.perMinute, smoothedChangesPerMinute: smoothed.perMinute, rawLabels: raw.labels, smoothedLabels: smoothed.labels };
}

/**
 * Both clips at `fps` frames a second, `quick`: shorter runs. At 60 fps a stream reuses every other detection
 * (`detectionReuseMs`), so the crossing clip at 60 checks that reuse costs no id switch.
 */
export async function trackingBench(quick: boolean, log: (m: string) => void, fps = 30): Promise<TrackingResults> {
  const tmp = mkdtempSync(join(tmpdir(), 'emolens-tracking-'));
  try {
    const clipSeconds = 9;
    const lerp = (a: number, b: number, s: number) => a + (b - a) * Math.min(1, Math.max(0, s / clipSeconds));
    const crossing = join(tmp, 'crossing.y4m');
    writeScenarioVideo(crossing, [
      { image: face('happy/Karin_Stoiber_0002.jpg'), height: 130, at: (s) => ({ x: lerp(10, 500, s), y: 30 }) },
      { image: face('neutral/Bill_Clinton_0003.jpg'), height: 130, at: (s) => ({ x: lerp(500, 10, s), y: 140 }) },
      { image: face('angry/Michael_Schumacher_0006.jpg'), height: 130, at: (s) => (s >= 2 && s < 4.5 ? null : { x: 480, y: 320 }) },
    ] satisfies Sprite[], { seconds: clipSeconds, fps });
    log('tracking: crossing clip…');
    // One pass of the clip (the fake camera loops it: a second pass would jump every face back).
    const crossingSeen = await observe(crossing, clipSeconds - 1);
    const steady = join(tmp, 'steady.y4m');
    writeScenarioVideo(steady, [
      { image: face(STEADY_PHOTO), height: 240, at: (s) => ({ x: 200 + 12 * Math.sin(s * 1.3), y: 110 + 8 * Math.cos(s * 0.9) }) },
    ], { seconds: 6, noise: 24, fps });
    const steadySeconds = quick ? 10 : 60;
    log(`tracking: steady clip, ${steadySeconds} s…`);
    const steadySeen = await observe(steady, steadySeconds);
    // Faces that appear: A, B, C, and C again after its 2.5 s away.
    return { date: new Date().toISOString(), fps, crossing: crossingFigures(crossingSeen, clipSeconds - 1, 4), steady: steadyFigures(steadySeen, steadySeconds) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function formatTracking(r: TrackingResults): string {
  const c = r.crossing;
  const s = r.steady;
  return [
    `Tracking (fake camera, 640×480, ${r.fps} fps)`,
    `  crossing clip, ${c.seconds} s: ${c.results} results (${c.resultsPerSecond}/s), ${c.faceObservations} faces, ${c.ids} ids for 4 appearances (${c.extraIds} extra), ${c.idSwitches} id switches = ${c.idSwitchesPer1000Frames} per 1,000 frames`,
    `  steady face, ${s.seconds} s: ${s.results} results; label changes per minute: raw ${s.rawChangesPerMinute}, smoothed ${s.smoothedChangesPerMinute}`,
    `    raw labels ${JSON.stringify(s.rawLabels)}; smoothed ${JSON.stringify(s.smoothedLabels)}`,
  ].join('\n');
}
