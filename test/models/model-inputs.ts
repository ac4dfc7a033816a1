/**
 * What the model parity tests read: a model's manifest and built ONNX file (`models/<name>/`), the wild photos they
 * run on, and `@vladmandic/human`'s tfjs graph models, the references our ONNX conversions are compared with.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { packageDir } from '../../models/lib/files.ts';
import { requireData } from '../setup/paths.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `models/<name>/manifest.json`, as the test reads it (`T`: the fields it uses). */
export function modelManifest<T>(name: string): T {
  return JSON.parse(readFileSync(join(root, 'models', name, 'manifest.json'), 'utf8')) as T;
}

/** The built ONNX file of model `name` (`pnpm models`). */
export function onnxPath(name: string): string {
  return join(root, 'models', name, 'build', modelManifest<{ file: string }>(name).file);
}

/** The first `perClass` photos (sorted) of every class folder of the wild set. */
export function wildPhotoPaths(perClass: number): string[] {
  const wild = join(requireData(), 'wild');
  if (!existsSync(wild)) return [];
  return readdirSync(wild, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((cls) =>
      readdirSync(join(wild, cls))
        .filter((f) => f.toLowerCase().endsWith('.jpg'))
        .sort()
        .slice(0, perClass)
        .map((f) => join(wild, cls, f)),
    );
}

/** Human's graph model `name` (e.g. `emotion`, `iris`), on the current tfjs backend. */
export async function loadHumanGraphModel(name: string): Promise<tf.GraphModel> {
  const dir = join(packageDir('@vladmandic/human'), 'models');
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as tf.io.ModelJSON;
  const bin = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}
