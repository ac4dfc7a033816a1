/**
 * The classifier side of the pipeline: loads the model and the onnxruntime-web build for the backend,
 * creates the session ({@link EmotionClassifier}) and runs it. It runs in the classifier worker
 * (`worker/classifier-worker.ts`), or in the pipeline worker where nested workers are unavailable.
 */
import { EmoLensError } from '@emolens/schema';
import { assetLoader } from '../assets/asset-loader.js';
import type { ProgressCallback } from '../assets/progress.js';
import { classifierManifest } from '../assets/registry.js';
import type { ClassifierApi, ClassifierConfig, ClassifierInfo } from '../worker/classifier-api.js';
import { EmotionClassifier } from './classify.js';
import { loadRuntime } from './runtime.js';

export class ClassifierService implements ClassifierApi {
  private classifier: EmotionClassifier | undefined;

  async init(config: ClassifierConfig, onProgress?: ProgressCallback): Promise<ClassifierInfo> {
    const manifest = classifierManifest(config.classifier);
    const load = assetLoader(config.assets, onProgress, config.cache);
    const modelBytes = load(manifest.name, manifest.sha256);
    const runtime = await loadRuntime(config.backend, config.threads, (backend) => load(backend === 'webgpu' ? 'ort-wasm-webgpu' : 'ort-wasm'));
    const bytes = await modelBytes;
    onProgress?.({ type: 'compile', model: manifest.name });
    const classifier = await EmotionClassifier.create(runtime, manifest, new Uint8Array(bytes), config.backend === 'webgpu');
    await classifier.warmup();
    this.classifier = classifier;
    return { backend: classifier.backend, threads: runtime.threads };
  }

  run(input: Float32Array, count: number): Promise<Float32Array[]> {
    return this.ready().run(input, count);
  }

  warmup(): Promise<void> {
    return this.ready().warmup();
  }

  async release(): Promise<void> {
    const classifier = this.classifier;
    this.classifier = undefined;
    await classifier?.release();
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
