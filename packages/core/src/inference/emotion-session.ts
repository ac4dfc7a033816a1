/**
 * The emotion classifier's session: one per detector, all faces of a frame in one batch.
 */
import { EmoLensError } from '@emolens/schema';
import type { ClassifierManifest } from '../assets/registry.js';
import type { Backend } from '../assets/progress.js';
import { valuesPerFace } from '../pipeline/frame/preprocess.js';
import type { Ort, Runtime } from './runtime.js';
import { selfCheckFailure, selfCheckInput } from './self-check.js';
import { createSession, readOutput, type Session } from './session.js';

/** An emotion classifier session. */
export class EmotionSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    readonly manifest: ClassifierManifest,
    readonly backend: Backend,
  ) {}

  /**
   * Creates the session. On WebGPU it first runs a self-check against the WASM provider (`self-check.ts`); if
   * that fails, `strict` (WebGPU forced) rejects with `BACKEND_UNAVAILABLE`, else the classifier falls back to WASM.
   */
  static async create(runtime: Runtime, manifest: ClassifierManifest, model: Uint8Array, strict: boolean): Promise<EmotionSession> {
    const { ort } = runtime;
    const wasm = await createSession(ort, manifest.name, model, 'wasm');
    if (runtime.backend === 'wasm') return new EmotionSession(ort, wasm, manifest, 'wasm');

    let reason: string;
    try {
      const gpu = await createSession(ort, manifest.name, model, 'webgpu');
      const candidate = new EmotionSession(ort, gpu, manifest, 'webgpu');
      const reference = new EmotionSession(ort, wasm, manifest, 'wasm');
      const probe = selfCheckInput(manifest);
      const [a, b] = await Promise.all([candidate.run(probe, 1), reference.run(probe, 1)]);
      const failure = selfCheckFailure(a[0]!, b[0]!, manifest.quantized === true);
      if (failure === undefined) {
        await wasm.release();
        return candidate;
      }
      await gpu.release();
      reason = failure;
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    if (strict) {
      await wasm.release();
      throw new EmoLensError('BACKEND_UNAVAILABLE', 'WebGPU failed its start-up self-check', { reason, suggestion: "Use backend: 'auto' or 'wasm'." });
    }
    return new EmotionSession(ort, wasm, manifest, 'wasm');
  }

  /** Probabilities per face, in the model's own label order. `input` holds `count` faces. */
  async run(input: Float32Array, count: number): Promise<Float32Array[]> {
    const { width, height, color, name } = this.manifest.input;
    const channels = color === 'gray' ? 1 : 3;
    const per = valuesPerFace(this.manifest.input);
    const tensor = new this.ort.Tensor('float32', input.subarray(0, per * count), [count, height, width, channels]);
    const data = await readOutput(await this.session.run({ [name]: tensor }), this.manifest.output.name, this.manifest.name);
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
