/**
 * The onnxruntime side of the pipeline: loads the onnxruntime-web build for the backend, the emotion
 * classifier ({@link EmotionClassifier}) and the ONNX face detector ({@link DetectorSession}), and runs them. It runs in the classifier worker
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
import { loadRuntime } from './runtime.js';

export class ClassifierService implements ClassifierApi {
  private classifier: EmotionClassifier | undefined;
  private detector: DetectorSession | undefined;

  async init(config: ClassifierConfig, onProgress?: ProgressCallback): Promise<ClassifierInfo> {
    const manifest = classifierManifest(config.classifier);
    const face = detectorManifest(config.detector);
    const load = assetLoader(config.assets, onProgress, config.cache);
    const modelBytes = load(manifest.name, manifest.sha256);
    const detectorBytes = load(face.name, face.sha256);
    const runtime = await loadRuntime(config.backend, config.threads, (backend) => load(backend === 'webgpu' ? 'ort-wasm-webgpu' : 'ort-wasm'));
    onProgress?.({ type: 'compile', model: face.name });
    const detector = await DetectorSession.create(runtime, face.name, face.detector, new Uint8Array(await detectorBytes));
    try {
      await detector.warmup();
      const bytes = await modelBytes;
      onProgress?.({ type: 'compile', model: manifest.name });
      const classifier = await EmotionClassifier.create(runtime, manifest, new Uint8Array(bytes), config.backend === 'webgpu');
      await classifier.warmup();
      this.classifier = classifier;
      this.detector = detector;
      return { backend: classifier.backend, threads: runtime.threads };
    } catch (error) {
      await detector.release();
      throw error;
    }
  }

  run(input: Float32Array, count: number): Promise<Float32Array[]> {
    return this.ready().run(input, count);
  }

  warmup(): Promise<void> {
    return this.ready().warmup();
  }

  detect(input: Float32Array): Promise<RawDetections> {
    if (!this.detector) throw new EmoLensError('DISPOSED', 'The face detector is not initialised or was released');
    return this.detector.run(input);
  }

  async release(): Promise<void> {
    const classifier = this.classifier;
    const detector = this.detector;
    this.classifier = undefined;
    this.detector = undefined;
    await classifier?.release();
    await detector?.release();
  }

  crashForTesting(): void {
    setTimeout(() => {
      throw new Error('simulated classifier crash (crashForTesting)');
    });
  }

  private ready(): EmotionClassifier {
    if (!this.classifier) throw new EmoLensError('DISPOSED', 'The classifier is not initialised or was released');
    return this.classifier;
  }
}
