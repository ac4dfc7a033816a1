/**
 * The iris model's session (`models/human-iris`) on onnxruntime-web's WASM provider: every eye crop of a frame in one
 * batch. Created the first time a call needs iris points, never at start-up.
 */
import { EmoLensError } from '@emolens/schema';
import type { IrisManifest } from '../assets/registry.js';
import { valuesPerFace } from '../pipeline/frame/preprocess.js';
import type { Ort, Runtime } from './runtime.js';
import { createSession, readOutput, type Session } from './session.js';

/** An iris model session. */
export class IrisSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly manifest: IrisManifest,
  ) {}

  static async create(runtime: Runtime, manifest: IrisManifest, model: Uint8Array): Promise<IrisSession> {
    return new IrisSession(runtime.ort, await createSession(runtime.ort, manifest.name, model, 'wasm'), manifest);
  }

  /** The model's points for `count` eye crops (`[count, 64, 64, 3]`, normalised), one crop's after the other. */
  async run(input: Float32Array, count: number): Promise<Float32Array> {
    const { name, width, height } = this.manifest.input;
    if (input.length !== valuesPerFace(this.manifest.input) * count) {
      throw new EmoLensError('INTERNAL_ERROR', `The ${this.manifest.name} input has ${input.length} values for ${count} crops`, { kind: 'model_mismatch' });
    }
    const outputs = await this.session.run({ [name]: new this.ort.Tensor('float32', input, [count, height, width, 3]) });
    return readOutput(outputs, this.manifest.output.name, this.manifest.name);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
