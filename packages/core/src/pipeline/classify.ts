/**
 * Stage 3 — classification: one onnxruntime-web session per classifier, all faces of a frame in one batch.
 */
import { EmoLensError } from '@emolens/schema';
import type { ClassifierManifest } from '../assets/registry.js';
import type { Backend } from '../assets/progress.js';
import { valuesPerFace } from './preprocess.js';
import type { Ort, Runtime } from './runtime.js';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Largest difference between the WebGPU and WASM outputs that the start-up self-check accepts. */
const SELF_CHECK_TOLERANCE = 1e-3;

/** An emotion classifier session. */
export class EmotionClassifier {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    readonly manifest: ClassifierManifest,
    readonly backend: Backend,
  ) {}

  /**
   * Creates the session. On WebGPU it first runs a self-check against the WASM provider; if that fails,
   * `strict` (WebGPU forced) rejects with `BACKEND_UNAVAILABLE`, else the classifier falls back to WASM.
   */
  static async create(runtime: Runtime, manifest: ClassifierManifest, model: Uint8Array, strict: boolean): Promise<EmotionClassifier> {
    const { ort } = runtime;
    const open = async (provider: Backend) => {
      try {
        return await ort.InferenceSession.create(model, { executionProviders: [provider], graphOptimizationLevel: 'all' });
      } catch (cause) {
        throw new EmoLensError('MODEL_LOAD_FAILED', `Could not create the ${manifest.name} session on ${provider}`, { reason: String(cause), model: manifest.name }, { cause });
      }
    };
    const wasm = await open('wasm');
    if (runtime.backend === 'wasm') return new EmotionClassifier(ort, wasm, manifest, 'wasm');

    let reason: string;
    try {
      const gpu = await open('webgpu');
      const candidate = new EmotionClassifier(ort, gpu, manifest, 'webgpu');
      const reference = new EmotionClassifier(ort, wasm, manifest, 'wasm');
      const probe = selfCheckInput(manifest);
      const [a, b] = await Promise.all([candidate.run(probe, 1), reference.run(probe, 1)]);
      const diff = maxAbsDiff(a[0]!, b[0]!);
      if (diff <= SELF_CHECK_TOLERANCE) {
        await wasm.release();
        return candidate;
      }
      await gpu.release();
      reason = `WebGPU output differs from WASM by ${diff}`;
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    if (strict) {
      await wasm.release();
      throw new EmoLensError('BACKEND_UNAVAILABLE', 'WebGPU failed its start-up self-check', { reason, suggestion: "Use backend: 'auto' or 'wasm'." });
    }
    return new EmotionClassifier(ort, wasm, manifest, 'wasm');
  }

  /** Probabilities per face, in the model's own label order. `input` holds `count` faces. */
  async run(input: Float32Array, count: number): Promise<Float32Array[]> {
    const { width, height, color, name } = this.manifest.input;
    const channels = color === 'gray' ? 1 : 3;
    const per = valuesPerFace(this.manifest.input);
    const tensor = new this.ort.Tensor('float32', input.subarray(0, per * count), [count, height, width, channels]);
    const outputs = await this.session.run({ [name]: tensor });
    const output = outputs[this.manifest.output.name];
    if (!output) throw new EmoLensError('INTERNAL_ERROR', `The ${this.manifest.name} model has no output "${this.manifest.output.name}"`);
    const data = (await output.getData()) as Float32Array;
    output.dispose();
    const classes = this.manifest.labels.length;
    return Array.from({ length: count }, (_, i) => data.slice(i * classes, (i + 1) * classes));
  }

  /** Runs the session once on a fixed input (first runs allocate and are slow). */
  async warmup(): Promise<void> {
    await this.run(selfCheckInput(this.manifest), 1);
  }

  /** Frees the session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A fixed, image-like input for the self-check (a smooth pattern within the normalised range). */
function selfCheckInput(manifest: ClassifierManifest): Float32Array {
  const values = new Float32Array(valuesPerFace(manifest.input));
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.01) * 0.9;
  return values;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return Infinity;
    if (d > max) max = d;
  }
  return max;
}
