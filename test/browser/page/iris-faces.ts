/**
 * Test-page module for the iris tests and bench: the SDK's face finder wired as the pipeline worker wires it (mesh
 * from MediaPipe's FaceLandmarker, `IrisStage` running the iris model through the inference service), run here on the
 * page's thread with the inference service inline, so that `DetectedFace.iris` can be read before any shipped signal
 * needs it. Asset URLs and loading are the SDK's own (its source, served by the test server).
 */
import { assetLoader } from '../../../packages/core/src/assets/asset-loader.ts';
import { resolveAssetUrls } from '../../../packages/core/src/assets/asset-urls.ts';
import { irisManifest } from '../../../packages/core/src/assets/registry.ts';
import { InferenceService } from '../../../packages/core/src/inference/inference-service.ts';
import type { FaceDetectStage } from '../../../packages/core/src/pipeline/find/face-detect-stage.ts';
import { FaceFinder } from '../../../packages/core/src/pipeline/find/face-finder.ts';
import { IrisStage } from '../../../packages/core/src/pipeline/find/iris-stage.ts';
import { MediapipeLoader } from '../../../packages/core/src/pipeline/find/mediapipe-loader.ts';

/** A face as the finder returned it: its mesh (468 × x/y/z) and iris (10 × x/y/z), in image pixels. */
export interface IrisFace {
  mesh: number[];
  iris: number[] | undefined;
}

/** The face finder with the iris stage, and the inference service it runs the models on. */
export interface IrisFinder {
  /** Faces of `image` (mirrored left-right when `mirror`) found with `needs`; `ms`: the finder's time. */
  find(image: ImageBitmap, needs: ('mesh' | 'iris')[], mirror?: boolean): Promise<{ faces: IrisFace[]; ms: number; width: number }>;
  /** The iris stage alone on the given faces (with their mesh) of `image`: its time, ms. */
  irisOnly(image: ImageBitmap, faces: IrisFace[]): Promise<number>;
  close(): Promise<void>;
}

/** The finder, its models on onnxruntime's WASM backend with `threads` threads (more than 1 needs cross-origin isolation). */
export async function irisFinder(threads = 1): Promise<IrisFinder> {
  const urls = resolveAssetUrls(undefined);
  const load = assetLoader(urls, undefined, false);
  const inference = new InferenceService();
  await inference.init({ assets: urls, classifier: 'emolens-fer', faceDetector: 'blazeface-short', backend: 'wasm', threads, cache: false });
  const mediapipe = new MediapipeLoader(load, () => undefined);
  const stage = new IrisStage(irisManifest(), (input, count) => inference.detectIris(input, count));
  const finder = new FaceFinder({
    // The iris tests read the mesh and the iris points only: a detector that finds nothing leaves each mesh face its own box.
    detector: async () => ({ detect: async () => [], detectTile: async () => [] }) as unknown as FaceDetectStage,
    mesh: (range, mode) => mediapipe.landmarker(range, { maxFaces: 4, minDetectionConfidence: 0.5 }, mode),
    iris: async () => stage,
  });
  const mirrored = (image: ImageBitmap): Promise<ImageBitmap> => {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(-1, 0, 0, 1, image.width, 0);
    ctx.drawImage(image, 0, 0);
    return createImageBitmap(canvas);
  };
  return {
    async find(image, needs, mirror = false) {
      const frame = mirror ? await mirrored(image) : image;
      const started = performance.now();
      const { faces } = await finder.find(frame, { range: 'short', maxFaces: 4, needs: new Set(needs) });
      const ms = performance.now() - started;
      if (mirror) frame.close();
      return { faces: faces.map((f) => ({ mesh: [...f.mesh!], iris: f.iris && [...f.iris] })), ms, width: image.width };
    },
    async irisOnly(image, faces) {
      const detected = faces.map((f) => ({ bbox: { x: 0, y: 0, width: 1, height: 1 }, frame: { cx: 0, cy: 0, side: 1, angle: 0 }, mesh: Float32Array.from(f.mesh) }));
      const started = performance.now();
      await stage.locate(image, detected);
      return performance.now() - started;
    },
    async close() {
      await finder.close();
      await inference.release();
      mediapipe.release();
    },
  };
}
