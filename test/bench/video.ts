/**
 * `pnpm bench --video`: `detector.analyzeVideo()` on a 10 s, 640×480, 30 fps file made in the page (VP8 WebM, and
 * H.264 MP4 where this Chromium can encode it; `test/browser/video-fixture.ts`): analysed frames per second and the
 * multiple of real time, for every frame tracked, every frame as stills (`track_faces: false`) and every 5th frame.
 * The first call (which loads the video modules) is run and reported apart.
 */
import { canEncodeVideo, makeTestVideo } from '../browser/video-fixture.ts';
import { withTestPage } from './test-page.ts';

const SEGMENTS = [
  { label: 'happy', seconds: 4, photo: 'happy/Karin_Stoiber_0002.jpg' },
  { label: 'surprise', seconds: 2, photo: 'surprise/Svetislav_Pesic_0001.jpg' },
  { label: 'happy', seconds: 4, photo: 'happy/Karin_Stoiber_0002.jpg' },
];

export interface VideoRun {
  codec: string;
  mode: string;
  sampleRate: number;
  analyzedFrames: number;
  ms: number;
  framesPerSecond: number;
  /** Video seconds covered per second of analysis. */
  timesRealTime: number;
}

export interface VideoResults {
  date: string;
  seconds: number;
  firstCallMs: number;
  runs: VideoRun[];
}

export async function videoBench(log: (m: string) => void): Promise<VideoResults> {
  return withTestPage([], async (page) => {
    await page.evaluate(async () => {
      (window as unknown as { detector: unknown }).detector = await window.emolens.createDetector({ backend: 'wasm' });
    });
    const codecs: ('vp8' | 'avc')[] = ['vp8'];
    if (await canEncodeVideo(page, 'avc')) codecs.push('avc');
    const seconds = SEGMENTS.reduce((s, x) => s + x.seconds, 0);
    const runs: VideoRun[] = [];
    let firstCallMs = 0;
    for (const codec of codecs) {
      const video = await makeTestVideo(page, { codec, name: codec, segments: SEGMENTS });
      const plans = [
        { mode: 'first call', sampleRate: 1, track: true },
        { mode: 'tracked', sampleRate: 1, track: true },
        { mode: 'stills', sampleRate: 1, track: false },
        { mode: 'tracked', sampleRate: 5, track: true },
      ];
      for (const plan of plans) {
        if (plan.mode === 'first call' && codec !== codecs[0]) continue;
        log(`video: ${codec}, ${plan.mode}, sample_rate ${plan.sampleRate}…`);
        const out = await page.evaluate(
          async ({ name, sampleRate, track }) => {
            const w = window as unknown as { detector: import('@emolens/core').Detector; testVideos: Record<string, Blob> };
            const started = performance.now();
            const result = await w.detector.analyzeVideo(w.testVideos[name]!, { sample_rate: sampleRate, track_faces: track, timeoutMs: 600_000 });
            return { ms: performance.now() - started, analyzed: result.analyzed_frames };
          },
          { name: video.name, sampleRate: plan.sampleRate, track: plan.track },
        );
        if (plan.mode === 'first call') {
          firstCallMs = Math.round(out.ms);
          continue;
        }
        runs.push({
          codec,
          mode: plan.mode,
          sampleRate: plan.sampleRate,
          analyzedFrames: out.analyzed,
          ms: Math.round(out.ms),
          framesPerSecond: Math.round((out.analyzed * 10000) / out.ms) / 10,
          timesRealTime: Math.round((seconds * 100000) / out.ms) / 100,
        });
      }
    }
    return { date: new Date().toISOString(), seconds, firstCallMs, runs };
  });
}

export function formatVideo(r: VideoResults): string {
  return [
    `analyzeVideo on a ${r.seconds} s 640×480 30 fps file (first call, loading the video modules: ${r.firstCallMs} ms)`,
    `  ${'codec'.padEnd(6)} ${'mode'.padEnd(8)} ${'rate'.padStart(4)} ${'frames'.padStart(6)} ${'ms'.padStart(7)} ${'frames/s'.padStart(9)} ${'× real time'.padStart(12)}`,
    ...r.runs.map((x) => `  ${x.codec.padEnd(6)} ${x.mode.padEnd(8)} ${String(x.sampleRate).padStart(4)} ${String(x.analyzedFrames).padStart(6)} ${String(x.ms).padStart(7)} ${String(x.framesPerSecond).padStart(9)} ${String(x.timesRealTime).padStart(12)}`),
  ].join('\n');
}
