/**
 * The bench page (built by Vite in production mode): exposes the SDK as `window.emolens` and the
 * measurements as `window.bench` (per stage), `window.sys` (side by side with the peers, `harness.ts`) and `window.live`
 * (on a live source, `live/harness.ts`). The detector always runs on the WASM backend with one thread and the
 * default classifier.
 */
import './wasm-memory.ts';
import * as core from '@emolens/core';
import { emolensFerplus } from '@emolens/core/classifiers/emolens-ferplus';
import { faceapiExpression } from '@emolens/core/classifiers/faceapi-expression';
import { humanEmotion } from '@emolens/core/classifiers/human-emotion';
import { drawPortraitGrid, facesPerCell } from '../../fixtures/portrait-grid.ts';
import type { AssetEvent, BenchApi, CallSample, ColdStart, DenseResult, FrameSet, ImageFaces } from './api.ts';
import { fetchBitmap, fetchBlob, gridPhotos, quadFaceFrame, singleFaceFrame } from './frames.ts';
import { installHarness } from './harness.ts';
import { installLive } from './live/harness.ts';
import { threadsParam } from './peers/emolens.ts';
import { createEmoLensLive } from './live/emolens.ts';
import { createEmoLens } from './peers/emolens.ts';

/** The classifiers `--classifier` may name besides the default. */
const CLASSIFIERS: Record<string, core.ClassifierModule> = { 'emolens-ferplus': emolensFerplus, 'human-emotion': humanEmotion, 'faceapi-expression': faceapiExpression };

let detector: core.Detector | undefined;
const frames: Record<FrameSet, ImageBitmap[]> = { single: [], quad: [] };

function requireDetector(): core.Detector {
  if (!detector) throw new Error('call bench.coldStart() first');
  return detector;
}

const bench: BenchApi = {
  async coldStart(frameUrl) {
    const photo = await fetchBitmap(frameUrl);
    const frame = singleFaceFrame(photo);
    photo.close();
    const assets: AssetEvent[] = [];
    const compiled: string[] = [];
    let downloadEvents = 0;
    let readyElapsedMs: number | null = null;
    const timeline: Record<string, number> = {};
    const started = performance.now();
    const mark = (name: string) => (timeline[name] = Math.round((performance.now() - started) * 10) / 10);
    detector = await core.createDetector({
      backend: 'wasm',
      threads: threadsParam(),
      ...(classifierParam() ? { classifier: CLASSIFIERS[classifierParam()!] ?? classifierParam()! } : {}),
      onProgress(event) {
        if (event.type === 'asset') {
          assets.push({ asset: event.asset, bytes: event.bytes, source: event.source });
          mark(`asset:${event.asset}`);
        } else if (event.type === 'download') downloadEvents++;
        else if (event.type === 'compile') {
          compiled.push(event.model);
          mark(`compile:${event.model}`);
        } else {
          readyElapsedMs = event.elapsedMs;
          mark('ready');
          // The workers' steps, moved onto this clock: the pipeline worker began loading `elapsedMs` before ready.
          const workerStart = timeline.ready! - event.elapsedMs;
          timeline['pipeline-worker'] = Math.round(workerStart * 10) / 10;
          for (const { step, ms } of event.steps) timeline[`step:${step}`] = Math.round((workerStart + ms) * 10) / 10;
        }
      },
    });
    const created = performance.now();
    mark('created');
    const result = await detector.detect(frame);
    const done = performance.now();
    mark('result');
    frame.close();
    const out: ColdStart = {
      sinceNavigationMs: started,
      createMs: created - started,
      firstDetectMs: done - created,
      totalMs: done - started,
      readyElapsedMs,
      backend: detector.backend,
      classifier: detector.classifier,
      threads: detector.threads,
      faces: result.faces.length,
      assets,
      downloadEvents,
      compiled,
      timeline,
    };
    return out;
  },

  async makeFrames(urls, grids) {
    const photos = await Promise.all(urls.map(fetchBitmap));
    frames.single = photos.map(singleFaceFrame);
    frames.quad = Array.from({ length: grids }, (_, g) => quadFaceFrame(gridPhotos(photos, g)));
    for (const photo of photos) photo.close();
    return { single: frames.single.length, quad: frames.quad.length };
  },

  async latency(set, warmup, minCalls) {
    const d = requireDetector();
    const list = frames[set];
    if (list.length === 0) throw new Error(`no ${set} frames: call bench.makeFrames() first`);
    // The SDK copies its input into a fresh bitmap (decode stage), so the frames can be passed as they are.
    for (let i = 0; i < warmup; i++) await d.profile(list[i % list.length]!);
    const calls = Math.max(minCalls, list.length);
    const samples: CallSample[] = [];
    for (let i = 0; i < calls; i++) {
      const { result, timings: t } = await d.profile(list[i % list.length]!);
      samples.push({
        landmarks: t.landmarks,
        crop: t.crop,
        classify: t.classify,
        format: t.format,
        total: t.total,
        decode: t.decode,
        endToEnd: t.endToEnd,
        faces: result.faces.length,
      });
    }
    return samples;
  },

  async facesPerImage(urls) {
    const d = requireDetector();
    const out: ImageFaces[] = [];
    for (const url of urls) {
      const blob = await fetchBlob(url);
      const size = await createImageBitmap(blob).then((b) => {
        const s = { width: b.width, height: b.height };
        b.close();
        return s;
      });
      const result = await d.detect(blob);
      out.push({ url, ...size, faces: result.faces.length });
    }
    return out;
  },

  async dense(images, calls) {
    const d = requireDetector();
    const out: DenseResult[] = [];
    for (const image of images) {
      const input = 'url' in image ? await fetchBitmap(image.url) : await drawPortraitGrid(image.grid.urls, image.grid.cols, image.grid.rows, image.grid.cell);
      const options = { maxFaces: 100 };
      await d.detect(input, options);
      const samples: DenseResult['samples'] = [];
      let last: core.WiaFaceResult | undefined;
      let tiles = 0;
      for (let i = 0; i < calls; i++) {
        const { result, timings } = await d.profile(input, options);
        samples.push({ total: timings.total, landmarks: timings.landmarks, tilesMs: timings.tilesMs });
        last = result;
        tiles = timings.tiles;
      }
      const faces = last?.faces ?? [];
      const found = 'grid' in image ? facesPerCell(faces, image.grid.cols, image.grid.rows, image.grid.cell).filter((n) => n === 1).length : faces.length;
      out.push({ name: image.name, width: input.width, height: input.height, faces: image.faces, found, tiles, samples });
      if ('close' in input) input.close();
    }
    return out;
  },

  dispose() {
    detector?.dispose();
    detector = undefined;
    for (const bitmap of [...frames.single, ...frames.quad]) bitmap.close();
    frames.single = [];
    frames.quad = [];
  },
};

window.emolens = core;
window.bench = bench;
installHarness('emolens', createEmoLens);
installLive('emolens', createEmoLensLive);
document.body.dataset.ready = 'true';

/** `?classifier=name` of the page URL (set by run.ts from `--classifier`); absent: the SDK's default. */
function classifierParam(): string | undefined {
  return new URLSearchParams(location.search).get('classifier') ?? undefined;
}

