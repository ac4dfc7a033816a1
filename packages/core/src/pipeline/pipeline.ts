/**
 * The pipeline in the worker: load → (per frame) landmarks → align/crop → classify → derive/format.
 * It implements the worker API; `worker.ts` only exposes it.
 */
import { EmoLensError, type WiaFaceResult } from '@emolens/schema';
import { assetLoader } from '../assets/asset-loader.js';
import type { LoadProgressEvent, ProgressCallback } from '../assets/progress.js';
import { classifierManifest, detectorManifest, FACE_DETECTORS, type ClassifierManifest } from '../assets/registry.js';
import type { FrameOptions, PipelineApi, PipelineConfig, PipelineInfo, StageTimings } from '../worker/api.js';
import { CropRenderer, faceCrop } from './align.js';
import { startClassifier, type Classifier } from './classifier-client.js';
import { FaceDetectStage } from './detect.js';
import type { FaceFrame } from './face-frame.js';
import { FaceFinder } from './faces.js';
import { formatFace } from './format.js';
import { greyCanvas } from './grey-canvas.js';
import { MediapipeLoader } from './mediapipe-loader.js';
import { OnnxDetectionModel } from './onnx-detection.js';
import { SECOND_LOOK_FLOOR } from './second-look.js';
import { DEFAULT_MIN_DETECTION_CONFIDENCE, type DetectorRange, type StageOptions } from './stage-options.js';
import { valuesPerFace, writeFace } from './preprocess.js';

interface Loaded {
  faces: FaceFinder;
  classifier: Classifier;
  mediapipe: MediapipeLoader;
  renderer: CropRenderer;
}

/** The worker-side pipeline. One instance per worker. */
export class Pipeline implements PipelineApi {
  private loaded: Loaded | undefined;
  /** Calls run one after another: they share the crop canvas. */
  private queue: Promise<unknown> = Promise.resolve();

  async init(config: PipelineConfig, onProgress?: ProgressCallback): Promise<PipelineInfo> {
    const started = performance.now();
    const progress = (event: LoadProgressEvent) => {
      try {
        onProgress?.(event);
      } catch {
        // A throwing progress callback must not break loading.
      }
    };
    const manifest = classifierManifest(config.classifier);
    const load = assetLoader(config.assets, progress, config.cache);

    // onnxruntime (face detectors and classifier) starts in its own worker; MediaPipe (the mesh) is loaded
    // only when a call first needs it.
    const classifierStage = startClassifier(
      { assets: config.assets, classifier: config.classifier, detector: FACE_DETECTORS.short, backend: config.backend, threads: config.threads, cache: config.cache },
      config.classifierWorker,
      progress,
    );
    const mediapipe = new MediapipeLoader(load, progress);
    const options = (range: DetectorRange): StageOptions => ({
      maxFaces: config.maxFaces,
      minDetectionConfidence: config.minDetectionConfidence ?? DEFAULT_MIN_DETECTION_CONFIDENCE[range],
      // Small faces score low at the short range's 128 px input: a second look confirms them.
      ...(range === 'short' ? { candidateConfidence: SECOND_LOOK_FLOOR } : {}),
    });

    // The face finder does not wait for onnxruntime: its first run (canvases, letterbox, crop renderer) goes
    // on here while onnxruntime starts in the other worker; only its detector call waits for it.
    const detectWith = (name: string) => async (input: Float32Array) => (await classifierStage).detect(input, name);
    const renderer = new CropRenderer(manifest.input.width, manifest.input.height);
    const facesStage = (async () => {
      const finder = new FaceFinder({
        detector: async (range) => {
          const stage = options(range);
          const floor = Math.min(stage.minDetectionConfidence, stage.candidateConfidence ?? stage.minDetectionConfidence);
          const face = detectorManifest(FACE_DETECTORS[range]);
          return new FaceDetectStage(new OnnxDetectionModel(face.detector, detectWith(face.name), floor), stage.minDetectionConfidence);
        },
        landmarker: (range) => mediapipe.landmarker(range, options(range)),
      });
      await finder.prepare();
      await warmUp(finder, renderer, manifest); // the first run through the whole detect stage allocates
      return finder;
    })();
    // Both settle before anything is reported, so that a failure of one never leaves the other running.
    const [facesSettled, classifierSettled] = await Promise.allSettled([facesStage, classifierStage]);
    if (facesSettled.status === 'rejected' || classifierSettled.status === 'rejected') {
      if (facesSettled.status === 'fulfilled') await facesSettled.value.close();
      if (classifierSettled.status === 'fulfilled') await classifierSettled.value.release();
      throw facesSettled.status === 'rejected' ? facesSettled.reason : (classifierSettled as PromiseRejectedResult).reason;
    }
    const faces = facesSettled.value;
    const classifier = classifierSettled.value;
    this.loaded = { faces, classifier, mediapipe, renderer };
    progress({ type: 'ready', backend: classifier.backend, elapsedMs: performance.now() - started });
    return { backend: classifier.backend, classifier: manifest.name, threads: classifier.threads, classifierPlacement: classifier.placement };
  }

  async analyze(frame: ImageBitmap, options: FrameOptions, requestId: string): Promise<{ result: WiaFaceResult; timings: StageTimings }> {
    const next = this.queue.then(async () => {
      try {
        const loaded = this.loaded;
        if (!loaded) throw new EmoLensError('DISPOSED', 'The detector is not initialised or was disposed');
        return await this.run(loaded, frame, options, requestId);
      } finally {
        frame.close();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async warmup(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) throw new EmoLensError('DISPOSED', 'The detector is not initialised or was disposed');
    await warmUp(loaded.faces, loaded.renderer, loaded.classifier.manifest);
    await loaded.classifier.warmup();
  }

  crashForTesting(target: 'pipeline' | 'classifier' = 'pipeline'): void {
    if (target === 'classifier' && this.loaded) return this.loaded.classifier.crashForTesting();
    setTimeout(() => {
      throw new Error('simulated worker crash (crashForTesting)');
    });
  }

  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    await loaded?.faces.close();
    await loaded?.classifier.release();
    loaded?.mediapipe.release();
  }

  private async run(loaded: Loaded, frame: ImageBitmap, options: FrameOptions, requestId: string) {
    const t0 = performance.now();
    const manifest: ClassifierManifest = loaded.classifier.manifest;
    const faces = (
      await loaded.faces.find(frame, { range: options.faceRange, maxFaces: options.maxFaces, mesh: options.returnLandmarks, headPose: options.returnHeadPose })
    ).filter(
      ({ bbox }) => Math.max(bbox.width, bbox.height) >= options.minFaceSize,
    );
    const t1 = performance.now();

    const tensor = cropFaces(loaded.renderer, frame, faces.map((face) => face.frame), manifest);
    const t2 = performance.now();

    const probabilities = faces.length > 0 ? await loaded.classifier.run(tensor, faces.length) : [];
    const t3 = performance.now();

    const result: WiaFaceResult = {
      request_id: requestId,
      processing_time_ms: 0,
      faces: faces.map((face, i) => formatFace(i, face, probabilities[i]!, manifest, options)),
    };
    const t4 = performance.now();
    result.processing_time_ms = round(t4 - t0);
    return { result, timings: { landmarks: t1 - t0, crop: t2 - t1, classify: t3 - t2, format: t4 - t3, total: t4 - t0 } };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The classifier's input for `faces` of `frame`: each face's crop, one after the other. */
function cropFaces(renderer: CropRenderer, frame: ImageBitmap, faces: readonly FaceFrame[], manifest: ClassifierManifest): Float32Array {
  const tensor = new Float32Array(valuesPerFace(manifest.input) * faces.length);
  faces.forEach((face, slot) => writeFace(renderer.render(frame, faceCrop(face, manifest.crop)), manifest.input, tensor, slot));
  return tensor;
}

/** Runs the short-range detector once on a blank 640×480 frame, and the classifier's crop from it. */
async function warmUp(faces: FaceFinder, renderer: CropRenderer, manifest: ClassifierManifest): Promise<void> {
  const blank = await createImageBitmap(greyCanvas(640, 480).canvas);
  try {
    cropFaces(renderer, blank, [{ cx: 320, cy: 240, side: 200, angle: 0 }], manifest);
    await faces.find(blank, { range: 'short', maxFaces: 1, mesh: false, headPose: false });
  } finally {
    blank.close();
  }
}
