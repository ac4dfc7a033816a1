/**
 * Stage 1 model session — the ONNX face detector (BlazeFace) on onnxruntime-web's WASM provider, next to the
 * classifier in the same runtime. Always WASM: a 128×128 single-image model gains nothing from a GPU round
 * trip, and the software WebGPU adapter is slower.
 */
import { EmoLensError } from '@emolens/schema';
import type { DetectorSpec } from '../assets/manifest.js';
import type { RawDetections } from './onnx-detection.js';
import type { Ort, Runtime } from './runtime.js';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** A face detector session. */
export class DetectorSession {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly name: string,
    private readonly spec: DetectorSpec,
  ) {}

  static async create(runtime: Runtime, name: string, spec: DetectorSpec, model: Uint8Array): Promise<DetectorSession> {
    try {
      const session = await runtime.ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      return new DetectorSession(runtime.ort, session, name, spec);
    } catch (cause) {
      throw new EmoLensError('MODEL_LOAD_FAILED', `Could not create the ${name} session`, { reason: String(cause), model: name }, { cause });
    }
  }

  /** Raw outputs for one letterboxed image (`[1, H, W, 3]`, normalised). */
  async run(input: Float32Array): Promise<RawDetections> {
    const { name, width, height } = this.spec.input;
    if (input.length !== width * height * 3) {
      throw new EmoLensError('INTERNAL_ERROR', `The ${this.name} input has ${input.length} values, expected ${width * height * 3}`);
    }
    const outputs = await this.session.run({ [name]: new this.ort.Tensor('float32', input, [1, height, width, 3]) });
    const read = async (key: string): Promise<Float32Array> => {
      const output = outputs[key];
      if (!output) throw new EmoLensError('INTERNAL_ERROR', `The ${this.name} model has no output "${key}"`);
      const data = (await output.getData()) as Float32Array;
      output.dispose();
      return data;
    };
    return { boxes: await read(this.spec.outputs.boxes), scores: await read(this.spec.outputs.scores) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
