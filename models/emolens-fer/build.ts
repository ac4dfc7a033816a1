/**
 * `pnpm models` step for `emolens-fer`: the model is trained in this repository (train.py → export.py), and
 * the exported `emolens-fer.onnx` is committed next to this file; the build copies it to
 * `models/emolens-fer/build/emolens-fer.onnx` and checks it against the manifest's sha256.
 * (List it in models/build-all.ts: `['emolens-fer', buildEmolensFer]`.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsRoot, writeModel } from '../lib/files.ts';

export async function buildEmolensFer(): Promise<string> {
  return writeModel('emolens-fer', new Uint8Array(readFileSync(join(modelsRoot, 'emolens-fer', 'emolens-fer.onnx'))));
}
