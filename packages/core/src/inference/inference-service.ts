/**
 * Inference: loads the onnxruntime-web build for the backend, the emotion classifier ({@link EmotionSession}),
 * the ONNX face detectors ({@link FaceDetectorSession}: the configured one at start, others when first asked
 * for) and the iris model ({@link IrisSession}: when first asked for), and runs them. It runs in the inference worker (`worker/inference-worker.ts`), or in the pipeline
 * worker where nested workers are unavailable.
 */
import { EmoLensError } from '@emolens/schema';
import { assetLoader, type AssetLoad } from '../assets/asset-loader.js';
import { epochMs, type ProgressCallback, type StartupStepName } from '../assets/progress.js';
import { classifierManifest, faceDetectorManifest, irisManifest } from '../assets/registry.js';
import type { RawDetections } from '../pipeline/find/onnx-detection.js';
import type { InferenceApi, InferenceConfig, InferenceInfo } from '../worker/inference-api.js';
import { FaceDetectorSession } from './face-detector-session.js';
import { EmotionSession } from './emotion-session.js';
import { IrisSession } from './iris-session.js';
import { loadRuntime, type Runtime } from './runtime.js';

/** What face detector sessions are created with: set once the runtime is loaded. */
interface Context {
  runtime: Runtime;
  load: AssetLoad;
  onProgress: ProgressCallback | undefined;
}

export class InferenceService implements InferenceApi {
  private context: Context | undefined;
  private classifier: EmotionSession | undefined;
  /** Face detector sessions by model id, created on first use (the configured one during `init`). */
  private readonly detectors = new Map<string, Promise<FaceDetectorSession>>();
  /** The iris model's session, created on the first call that needs it. */
  private iris: Promise<IrisSession> | undefined;

  async init(config: InferenceConfig, onProgress?: ProgressCallback): Promise<InferenceInfo> {
    const steps: InferenceInfo['steps'] = [];
    const done = (step: StartupStepName) => steps.push({ step, at: epochMs() });
    const manifest = classifierManifest(config.classifier);
    const load = assetLoader(config.assets, onProgress, config.cache);
    const modelBytes = load(manifest.name, manifest.sha256);
    const face = faceDetectorManifest(config.faceDetector);
    const detectorBytes = load(face.name, face.sha256);
    // Both download while the runtime starts. A failure surfaces where each is awaited, or nowhere when an earlier
    // step failed first: it must not be left as an unhandled rejection then.
    for (const bytes of [modelBytes, detectorBytes]) bytes.catch(() => undefined);
    const runtime = await loadRuntime(config.backend, config.threads, {
      wasm: (backend) => load(backend === 'webgpu' ? 'ort-wasm-webgpu' : 'ort-wasm'),
      glue: (backend) => load(backend === 'webgpu' ? 'ort-glue-webgpu' : 'ort-glue'),
    });
    this.context = { runtime, load, onProgress };
    done('runtime');
    try {
      await this.faceDetector(config.faceDetector, detectorBytes);
      done('detector-session');
      const bytes = await modelBytes;
      onProgress?.({ type: 'compile', model: manifest.name });
      const classifier = await EmotionSession.create(runtime, manifest, new Uint8Array(bytes), config.backend === 'webgpu');
      done('classifier-session');
      await classifier.warmup();
      done('classifier-warmup');
      this.classifier = classifier;
      return { backend: classifier.backend, threads: runtime.threads, steps };
    } catch (error) {
      this.context = undefined;
      await this.releaseDetectors();
      throw error;
    }
  }

  classify(input: Float32Array, count: number): Promise<Float32Array[]> {
    return this.ready().run(input, count);
  }

  warmup(): Promise<void> {
    return this.ready().warmup();
  }

  async detectFaces(input: Float32Array, model: string): Promise<RawDetections> {
    this.ready();
    return (await this.faceDetector(model)).run(input);
  }

  async detectIris(input: Float32Array, count: number): Promise<Float32Array> {
    this.ready();
    if (!this.iris) {
      const { runtime, load, onProgress } = this.context!;
      const manifest = irisManifest();
      const session = (async () => {
        const model = new Uint8Array(await load(manifest.name, manifest.sha256));
        onProgress?.({ type: 'compile', model: manifest.name });
        return IrisSession.create(runtime, manifest, model);
      })();
      this.iris = session;
      session.catch(() => (this.iris = undefined)); // a failed load is retried by the next call
    }
    return (await this.iris).run(input, count);
  }

  async release(): Promise<void> {
    const classifier = this.classifier;
    this.classifier = undefined;
    this.context = undefined;
    await classifier?.release();
    await this.releaseDetectors();
  }

  crashForTesting(): void {
    setTimeout(() => {
      throw new Error('simulated inference worker crash (crashForTesting)');
    });
  }

  private ready(): EmotionSession {
    if (!this.classifier) throw new EmoLensError('DISPOSED', 'The classifier is not initialised or was released');
    return this.classifier;
  }

  /**
   * The session of face detector `id`, created the first time it is asked for (its first run is the caller's: the
   * pipeline's warm-up for the one started with the classifier). `bytes`: its model, when already being fetched.
   */
  private faceDetector(id: string, bytes?: Promise<ArrayBuffer>): Promise<FaceDetectorSession> {
    let session = this.detectors.get(id);
    if (!session) {
      const { runtime, load, onProgress } = this.context!;
      const face = faceDetectorManifest(id);
      session = (async () => {
        const model = new Uint8Array(await (bytes ?? load(face.name, face.sha256)));
        onProgress?.({ type: 'compile', model: face.name });
        return FaceDetectorSession.create(runtime, face.name, face.detector, model);
      })();
      this.detectors.set(id, session);
      session.catch(() => this.detectors.delete(id)); // a failed load is retried by the next call
    }
    return session;
  }

  private async releaseDetectors(): Promise<void> {
    const sessions = [...this.detectors.values()];
    this.detectors.clear();
    const iris = this.iris;
    this.iris = undefined;
    for (const session of [...sessions, iris]) await (await session?.catch(() => undefined))?.release();
  }
}
