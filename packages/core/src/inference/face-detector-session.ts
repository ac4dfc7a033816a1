/**
 * The ONNX face detector's session (BlazeFace) on onnxruntime-web's WASM provider, next to the classifier in
 * the same runtime. Always WASM: a 128×128 single-image model gains nothing from a GPU round trip, and the
 * software WebGPU adapter is slower.
 */
import { EmoLensError } from '@emolens/schema';
import type { DetectorSpec } from '../assets/manifest.js';
import type { RawDetections } from '../pipeline/find/onnx-detection.js';
import type { Ort, Runtime } from './runtime.js';
import { createSession, readOutput, type Session } from './session.js';

/** A face detector session. */
export class FaceDetectorSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly name: string,
    private readonly spec: DetectorSpec,
  ) {}

  static async create(runtime: Runtime, name: string, spec: DetectorSpec, model: Uint8Array): Promise<FaceDetectorSession> {
    return new FaceDetectorSession(runtime.ort, await createSession(runtime.ort, name, model, 'wasm'), name, spec);
  }

  /** Raw outputs for one letterboxed image (`[1, H, W, 3]`, normalised). */
  async run(input: Float32Array): Promise<RawDetections> {
    const { name, width, height } = this.spec.input;
    if (input.length !== width * height * 3) {
      throw new EmoLensError('INTERNAL_ERROR', `The ${this.name} input has ${input.length} values, expected ${width * height * 3}`, { kind: 'model_mismatch' });
    }
    const outputs = await this.session.run({ [name]: new this.ort.Tensor('float32', input, [1, height, width, 3]) });
    return { boxes: await readOutput(outputs, this.spec.outputs.boxes, this.name), scores: await readOutput(outputs, this.spec.outputs.scores, this.name) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
