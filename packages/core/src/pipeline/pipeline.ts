/**
 * The pipeline in the worker: loads the stages (face finder, crop renderer, inference), then runs each frame
 * through them (`run-frame.ts`), one at a time, and keeps the open streams' state. It implements the worker
 * API; `worker/worker.ts` only exposes it.
 */
import { EmoLensError } from '@emolens/schema';
import { assetLoader } from '../assets/asset-loader.js';
import { epochMs, type LoadProgressEvent, type ProgressCallback } from '../assets/progress.js';
import { classifierManifest, faceDetectorManifest, FACE_DETECTORS, irisManifest, type ClassifierManifest } from '../assets/registry.js';
import { startInference, type Inference } from '../inference/inference-client.js';
import { resolveTrackingOptions, type FrameOptions, type ResolvedTrackingOptions } from '../options.js';
import type { FrameResult, PipelineApi, PipelineConfig, PipelineInfo, StreamFrameRef } from '../worker/pipeline-api.js';
import type { DetectorRange, StageOptions } from './find/detector-range.js';
import { FaceDetectStage } from './find/face-detect-stage.js';
import { FaceFinder } from './find/face-finder.js';
import { greyCanvas } from './find/grey-canvas.js';
import { IrisStage } from './find/iris-stage.js';
import { MediapipeLoader } from './find/mediapipe-loader.js';
import { OnnxDetectionModel } from './find/onnx-detection.js';
import { SECOND_LOOK_FLOOR } from './find/second-look.js';
import { cropFaces } from './frame/crop-faces.js';
import { CropRenderer } from './frame/crop.js';
import { toDetectionSize, toSourcePixels } from './frame/detection-size.js';
import { round } from '../round.js';
import { runFrame, type FrameStages } from './run-frame.js';
import { calibrateFrame } from './calibrate-frame.js';
import type { Baseline } from './derive/baseline.js';
import { StreamTable } from './track/stream-state.js';

interface Loaded {
  stages: FrameStages & { finder: FaceFinder; inference: Inference };
  mediapipe: MediapipeLoader;
  renderer: CropRenderer;
}

/** The worker-side pipeline. One instance per worker. */
export class Pipeline implements PipelineApi {
  private loaded: Loaded | undefined;
  private readonly streams = new StreamTable();
  /** Calls run one after another: they share the crop canvas. */
  private queue: Promise<unknown> = Promise.resolve();

  async init(config: PipelineConfig, onProgress?: ProgressCallback): Promise<PipelineInfo> {
    const started = performance.now();
    const startedAt = epochMs();
    let warmedAt = 0;
    const progress = (event: LoadProgressEvent) => {
      try {
        onProgress?.(event);
      } catch {
        // A throwing progress callback must not break loading.
      }
    };
    const manifest = classifierManifest(config.classifier);
    const load = assetLoader(config.assets, progress, config.cache);

    // onnxruntime (face detectors and classifier) starts in the inference worker; MediaPipe (the mesh) is
    // loaded only when a call first needs it.
    const inferenceStarted = startInference(
      { assets: config.assets, classifier: config.classifier, faceDetector: FACE_DETECTORS.short, backend: config.backend, threads: config.threads, cache: config.cache },
      config.inferenceWorker,
      progress,
    );
    const mediapipe = new MediapipeLoader(load, progress);
    const options = (range: DetectorRange): StageOptions => ({
      maxFaces: config.maxFaces,
      minDetectionConfidence: config.minDetectionConfidence[range],
      // Small faces score low at the short range's 128 px input: a second look confirms them.
      ...(range === 'short' ? { candidateConfidence: SECOND_LOOK_FLOOR } : {}),
    });

    // The face finder does not wait for onnxruntime: its first run (canvases, letterbox, crop renderer) goes
    // on here while onnxruntime starts in the other worker; only its detector call waits for it.
    const detectWith = (name: string) => async (input: Float32Array) => (await inferenceStarted).detectFaces(input, name);
    const renderer = new CropRenderer(manifest.input.width, manifest.input.height);
    const finderReady = (async () => {
      const finder = new FaceFinder({
        detector: async (range) => {
          const stage = options(range);
          const floor = Math.min(stage.minDetectionConfidence, stage.candidateConfidence ?? stage.minDetectionConfidence);
          const face = faceDetectorManifest(FACE_DETECTORS[range]);
          return new FaceDetectStage(new OnnxDetectionModel(face.detector, detectWith(face.name), floor), stage.minDetectionConfidence);
        },
        mesh: (range, mode) => mediapipe.landmarker(range, options(range), mode),
        iris: async () => new IrisStage(irisManifest(), async (input, count) => (await inferenceStarted).detectIris(input, count)),
      });
      await finder.prepare();
      await warmUp(finder, renderer, manifest); // the first run through the whole detect stage allocates
      warmedAt = epochMs();
      return finder;
    })();
    // Both settle before anything is reported, so that a failure of one never leaves the other running.
    const [finderSettled, inferenceSettled] = await Promise.allSettled([finderReady, inferenceStarted]);
    if (finderSettled.status === 'rejected' || inferenceSettled.status === 'rejected') {
      if (finderSettled.status === 'fulfilled') await finderSettled.value.close();
      if (inferenceSettled.status === 'fulfilled') await inferenceSettled.value.release();
      throw finderSettled.status === 'rejected' ? finderSettled.reason : (inferenceSettled as PromiseRejectedResult).reason;
    }
    const finder = finderSettled.value;
    const inference = inferenceSettled.value;
    const stages = { finder, inference, crop: (frame: ImageBitmap, faces: Parameters<FrameStages['crop']>[1]) => cropFaces(renderer, frame, faces, manifest) };
    this.loaded = { stages, mediapipe, renderer };
    const steps = [...inference.steps, { step: 'pipeline-warmup' as const, at: warmedAt }]
      .sort((a, b) => a.at - b.at)
      .map(({ step, at }) => ({ step, ms: round(at - startedAt, 1) }));
    progress({ type: 'ready', backend: inference.backend, elapsedMs: performance.now() - started, steps });
    return { backend: inference.backend, classifier: manifest.name, threads: inference.threads, classifierPlacement: inference.placement };
  }

  async analyze(frame: ImageBitmap, options: FrameOptions, requestId: string, stream?: StreamFrameRef): Promise<FrameResult> {
    const next = this.queue.then(async () => {
      try {
        // A disposed pipeline has no streams left: it says DISPOSED, not that the stream is unknown.
        const { stages } = this.ready();
        // Read in the queue, so that the stream's last timestamp is the one of the frame before this one. (`?.`: a
        // null from the page is no stream either.)
        const streamFrame = stream === undefined ? undefined : { state: this.streams.get(stream?.id), timestampMs: stream?.timestampMs };
        const sized = await toDetectionSize(frame);
        try {
          // Sizes the caller gave are in source pixels, like the result.
          const scaled = sized.scale === 1 ? options : { ...options, minFaceSize: options.minFaceSize / sized.scale };
          const out = await runFrame(stages, sized.bitmap, scaled, requestId, streamFrame);
          toSourcePixels(out.result, sized);
          return out;
        } finally {
          sized.bitmap.close();
        }
      } finally {
        frame.close();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async calibrate(frame: ImageBitmap, options: FrameOptions, _requestId: string): Promise<Baseline> {
    const next = this.queue.then(async () => {
      try {
        const { stages } = this.ready();
        const sized = await toDetectionSize(frame);
        try {
          return await calibrateFrame(stages.finder, sized.bitmap, sized.scale === 1 ? options : { ...options, minFaceSize: options.minFaceSize / sized.scale });
        } finally {
          sized.bitmap.close();
        }
      } finally {
        frame.close();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  openStream(options: ResolvedTrackingOptions): number {
    // The page resolved them; resolving a resolved object gives it back, and costs nothing, so a malformed call
    // becomes INVALID_REQUEST rather than a TypeError in a later frame.
    return this.streams.open(resolveTrackingOptions(options)).id;
  }

  closeStream(stream: number): void {
    this.streams.close(stream);
    // In the queue: a frame of the stream still running keeps its landmarker until it is done.
    const finder = this.loaded?.stages.finder;
    if (finder) this.queue = this.queue.then(() => finder.closeStream(stream)).catch(() => undefined);
  }

  async warmup(): Promise<void> {
    const { stages, renderer } = this.ready();
    await warmUp(stages.finder, renderer, stages.inference.manifest);
    await stages.inference.warmup();
  }

  crashForTesting(target: 'pipeline' | 'inference' = 'pipeline'): void {
    if (target === 'inference' && this.loaded) return this.loaded.stages.inference.crashForTesting();
    setTimeout(() => {
      throw new Error('simulated worker crash (crashForTesting)');
    });
  }

  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.streams.clear();
    await loaded?.stages.finder.close();
    await loaded?.stages.inference.release();
    loaded?.mediapipe.release();
  }

  private ready(): Loaded {
    if (!this.loaded) throw new EmoLensError('DISPOSED', 'The detector is not initialised or was disposed');
    return this.loaded;
  }
}

/** Runs the short-range detector once on a blank 640×480 frame, and the classifier's crop from it. */
async function warmUp(finder: FaceFinder, renderer: CropRenderer, manifest: ClassifierManifest): Promise<void> {
  const blank = await createImageBitmap(greyCanvas(640, 480).canvas);
  try {
    cropFaces(renderer, blank, [{ cx: 320, cy: 240, side: 200, angle: 0 }], manifest);
    await finder.find(blank, { range: 'short', maxFaces: 1, needs: new Set() });
  } finally {
    blank.close();
  }
}
