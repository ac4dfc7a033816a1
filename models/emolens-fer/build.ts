/**
 * `pnpm models` step for `emolens-fer`: the model is trained in this repository (research/emolens-fer/: train.py →
 * export.py → quantize.py), and the shipped file the manifest names (`emolens-fer-int8.onnx`, quantised from the committed
 * float `emolens-fer.onnx`) is committed next to this file; the build copies it to `models/emolens-fer/build/`
 * and checks it against the manifest's sha256.
 */
import { copyCommittedModel } from '../lib/files.ts';

export async function buildEmolensFer(): Promise<string> {
  return copyCommittedModel('emolens-fer');
}
