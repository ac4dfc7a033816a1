/**
 * Stage 3 — classification: one onnxruntime-web session per classifier, all faces of a frame in one batch.
 */
import { EmoLensError } from '@emolens/schema';
import type { ClassifierManifest } from '../assets/registry.js';
import type { Backend } from '../assets/progress.js';
import { valuesPerFace, writeFace } from './preprocess.js';
import { schematicFace } from './self-check-face.js';
import type { Ort, Runtime } from './runtime.js';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Largest difference between the WebGPU and WASM probabilities that the start-up self-check accepts (float models). */
const SELF_CHECK_TOLERANCE = 1e-3;
/**
 * The same for quantised (int8 QDQ) models, whose top class must also agree. The WASM provider fuses them into
 * integer kernels (QLinearConv: integer accumulation, fixed-point requantisation) while WebGPU dequantises and runs
 * float kernels, so an activation that lies on a rounding step can land on either side of it. On the schematic
 * face both providers agree to 5e-8 (SwiftShader; on a photo 4e-8), but an input far from a face moved the
 * probabilities by 5e-3 (the synthetic pattern used before); the margin keeps a real GPU's own rounding from
 * forcing a needless fallback, where a broken GPU path is off by far more.
 */
const QUANTIZED_SELF_CHECK_TOLERANCE = 1e-2;

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
      const tolerance = manifest.quantized ? QUANTIZED_SELF_CHECK_TOLERANCE : SELF_CHECK_TOLERANCE;
      const sameTop = argmax(a[0]!) === argmax(b[0]!);
      if (diff <= tolerance && sameTop) {
        await wasm.release();
        return candidate;
      }
      await gpu.release();
      reason = sameTop ? `WebGPU output differs from WASM by ${diff} (tolerance ${tolerance})` : 'WebGPU and WASM disagree on the top class';
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

/** The self-check's and warm-up's input: the schematic face, through the model's own preprocessing. */
function selfCheckInput(manifest: ClassifierManifest): Float32Array {
  const { input } = manifest;
  const values = new Float32Array(valuesPerFace(input));
  writeFace(schematicFace(input.width, input.height), input, values, 0);
  return values;
}

function argmax(p: Float32Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
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
