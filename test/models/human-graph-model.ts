/**
 * One of `@vladmandic/human`'s tfjs graph models (`models/<name>.json` and its weight files), loaded from the
 * installed package into tfjs in memory: the reference the parity tests compare our ONNX conversions with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { packageDir } from '../../models/lib/files.ts';

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
