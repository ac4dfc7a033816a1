/**
 * The onnxruntime side of the pipeline: loads the onnxruntime-web build for the backend, the emotion
 * classifier ({@link EmotionClassifier}) and the ONNX face detectors ({@link DetectorSession}: the configured
 * one at start, others when first asked for), and runs them. It runs in the classifier worker
 * (`worker/classifier-worker.ts`), or in the pipeline worker where nested workers are unavailable.
 */
import { EmoLensError } from '@emolens/schema';
import { assetLoader } from '../assets/asset-loader.js';
import type { ProgressCallback } from '../assets/progress.js';
import { classifierManifest, detectorManifest } from '../assets/registry.js';
import type { ClassifierApi, ClassifierConfig, ClassifierInfo } from '../worker/classifier-api.js';
import { EmotionClassifier } from './classify.js';
import { DetectorSession } from './detector-session.js';
import type { RawDetections } from './onnx-detection.js';
import { loadRuntime, type Runtime } from './runtime.js';

interface Started {
  classifier: EmotionClassifier;
  runtime: Runtime;
  load: ReturnType<typeof assetLoader>;
  onProgress: ProgressCallback | undefined;
}

export class ClassifierService implements ClassifierApi {
  private started: Started | undefined;
  /** Face detector sessions by model id, created on first use (the configured one during `init`). */
  private readonly detectors = new Map<string, Promise<DetectorSession>>();

  async init(config: ClassifierConfig, onProgress?: ProgressCallback): Promise<ClassifierInfo> {
    const manifest = classifierManifest(config.classifier);
    const load = assetLoader(config.assets, onProgress, config.cache);
    const modelBytes = load(manifest.name, manifest.sha256);
    const face = detectorManifest(config.detector);
    const detectorBytes = load(face.name, face.sha256);
    const runtime = await loadRuntime(config.backend, config.threads, (backend) => load(backend === 'webgpu' ? 'ort-wasm-webgpu' : 'ort-wasm'));
    try {
      await this.detector(config.detector, runtime, load, onProgress, detectorBytes);
      const bytes = await modelBytes;
      onProgress?.({ type: 'compile', model: manifest.name });
      const classifier = await EmotionClassifier.create(runtime, manifest, new Uint8Array(bytes), config.backend === 'webgpu');
      await classifier.warmup();
      this.started = { classifier, runtime, load, onProgress };
      return { backend: classifier.backend, threads: runtime.threads };
    } catch (error) {
      await this.releaseDetectors();
      throw error;
    }
  }

  run(input: Float32Array, count: number): Promise<Float32Array[]> {
    return this.ready().classifier.run(input, count);
  }

  warmup(): Promise<void> {
    return this.ready().classifier.warmup();
  }

  async detect(input: Float32Array, detector: string): Promise<RawDetections> {
    const { runtime, load, onProgress } = this.ready();
    return (await this.detector(detector, runtime, load, onProgress)).run(input);
  }

  async release(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    await started?.classifier.release();
    await this.releaseDetectors();
  }

  crashForTesting(): void {
    setTimeout(() => {
      throw new Error('simulated classifier crash (crashForTesting)');
    });
  }

  private ready(): Started {
    if (!this.started) throw new EmoLensError('DISPOSED', 'The classifier is not initialised or was released');
    return this.started;
  }

  /** The session of detector `id`, created (and run once) the first time it is asked for. */
  private detector(id: string, runtime: Runtime, load: Started['load'], onProgress: ProgressCallback | undefined, bytes?: Promise<ArrayBuffer>): Promise<DetectorSession> {
    let session = this.detectors.get(id);
    if (!session) {
      const face = detectorManifest(id);
      session = (async () => {
        const model = new Uint8Array(await (bytes ?? load(face.name, face.sha256)));
        onProgress?.({ type: 'compile', model: face.name });
        const created = await DetectorSession.create(runtime, face.name, face.detector, model);
        await created.warmup();
        return created;
      })();
      this.detectors.set(id, session);
      session.catch(() => this.detectors.delete(id)); // a failed load is retried by the next call
    }
    return session;
  }

  private async releaseDetectors(): Promise<void> {
    const sessions = [...this.detectors.values()];
    this.detectors.clear();
    for (const session of sessions) await (await session.catch(() => undefined))?.release();
  }
}
