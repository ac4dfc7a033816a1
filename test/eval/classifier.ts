/**
 * The emotion classifiers of the registry (every `models/<name>/manifest.json` with kind
 * 'emotion-classifier'), each run from its built ONNX with onnxruntime-web's WASM backend in Node.
 * Everything model-specific (input size, colour, normalisation, label order and vocabulary) comes from
 * the manifest, so a new classifier needs no change here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { ClassifierInput, ModelManifest } from '../../packages/core/src/assets/manifest.ts';
import { toWia, WIA_EMOTIONS, type WiaEmotion } from '../../packages/schema/src/index.ts';
import { repoRoot } from '../setup/paths.ts';
import { channels, writeGreyFace, type PreprocessOptions } from './preprocess.ts';

export const modelsDir = join(repoRoot, 'models');

export interface ClassifierManifest extends ModelManifest {
  kind: 'emotion-classifier';
  input: ClassifierInput;
  output: { name: string };
  labels: string[];
  vocabulary: NonNullable<ModelManifest['vocabulary']>;
}

/** Every emotion classifier manifest under models/, sorted by name. */
export function classifierManifests(): ClassifierManifest[] {
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, 'manifest.json')))
    .map((d) => JSON.parse(readFileSync(join(modelsDir, d.name, 'manifest.json'), 'utf8')) as ModelManifest)
    .filter((m): m is ClassifierManifest => m.kind === 'emotion-classifier')
    .map((m) => {
      if (!m.input || !m.output || !m.labels || !m.vocabulary) throw new Error(`models/${m.name}/manifest.json: a classifier needs input, output, labels and vocabulary`);
      if (m.input.layout !== 'NHWC') throw new Error(`models/${m.name}: only NHWC inputs are supported`);
      return m;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export class Classifier {
  /** For each model output index, its index in WIA_EMOTIONS. */
  readonly toWiaIndex: number[];

  private constructor(readonly manifest: ClassifierManifest, private readonly session: ort.InferenceSession) {
    const labels = manifest.labels.map((word) => toWia(manifest.vocabulary, word));
    if (new Set(labels).size !== labels.length) throw new Error(`models/${manifest.name}: two labels map to the same WIA class`);
    this.toWiaIndex = labels.map((l) => WIA_EMOTIONS.indexOf(l));
  }

  /** Loads the built file the manifest names, or another file of the same model (`path`, e.g. a float source). */
  static async load(manifest: ClassifierManifest, path = join(modelsDir, manifest.name, 'build', manifest.file)): Promise<Classifier> {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm models\``);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)), { executionProviders: ['wasm'] });
    return new Classifier(manifest, session);
  }

  get name(): string {
    return this.manifest.name;
  }

  /**
   * Probabilities of a batch of grey `size`×`size` faces, one row per face in WIA_EMOTIONS order
   * (classes the model lacks stay 0).
   */
  async classify(faces: ArrayLike<number>[], size: number, options: PreprocessOptions = {}): Promise<Float32Array[]> {
    const { input, output, labels } = this.manifest;
    const c = channels(input);
    const tensor = new Float32Array(faces.length * input.width * input.height * c);
    faces.forEach((face, slot) => writeGreyFace(face, size, input, tensor, slot, options));
    const feeds = { [input.name]: new ort.Tensor('float32', tensor, [faces.length, input.height, input.width, c]) };
    const result = await this.session.run(feeds);
    const out = result[output.name];
    if (!out) throw new Error(`${this.name}: no output named ${output.name}`);
    if (out.dims.length !== 2 || out.dims[0] !== faces.length || out.dims[1] !== labels.length) {
      throw new Error(`${this.name}: output shape [${out.dims.join(', ')}], expected [${faces.length}, ${labels.length}]`);
    }
    const data = out.data as Float32Array;
    return faces.map((_, i) => {
      const row = new Float32Array(WIA_EMOTIONS.length);
      for (let j = 0; j < labels.length; j++) row[this.toWiaIndex[j]!] = data[i * labels.length + j]!;
      return row;
    });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export type { WiaEmotion };
