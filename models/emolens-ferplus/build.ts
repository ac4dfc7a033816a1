/**
 * `pnpm models` step for `emolens-ferplus`: run `medium-s0` of `research/emolens-fer/` (the default classifier
 * until 2026-11-22), kept selectable as the most accurate on the FER+ labels. Its shipped file
 * (`emolens-ferplus-int8.onnx`, quantised by `research/emolens-fer/quantize.py` from the committed float
 * `emolens-ferplus.onnx`) is committed next to this file; the build copies it to `build/` and checks its sha256.
 */
import { copyCommittedModel } from '../lib/files.ts';

export async function buildEmolensFerplus(): Promise<string> {
  return copyCommittedModel('emolens-ferplus');
}
