/**
 * The WebGPU start-up self-check of a classifier: WebGPU and WASM run the schematic face, and WebGPU is used
 * only when both agree on the top class and, within a tolerance, on every probability.
 */
import type { ClassifierManifest } from '../assets/registry.js';
import { valuesPerFace, writeFace } from '../pipeline/frame/preprocess.js';
import { schematicFace } from './self-check-face.js';

/** Largest difference between the WebGPU and WASM probabilities that the self-check accepts (float models). */
const SELF_CHECK_TOLERANCE = 1e-3;
/**
 * The same for quantised (int8 QDQ) models, whose top class must also agree. The WASM provider fuses them into
 * integer kernels (QLinearConv: integer accumulation, fixed-point requantisation) while WebGPU dequantises and runs
 * float kernels, so an activation that lies on a rounding step can land on either side of it. On the schematic
 * face both providers agree to 5e-8 (SwiftShader; on a photo 4e-8), but an input far from a face moved the
 * probabilities by 5e-3 (the synthetic pattern used before); the margin keeps a real GPU's own rounding from
 * forcing a needless fallback, where a broken GPU path is off by far more.
 */
const QUANTIZED_SELF_CHECK_TOLERANCE = 1e-2;

/** The self-check's and warm-up's input: the schematic face, through the model's own preprocessing. */
export function selfCheckInput(manifest: ClassifierManifest): Float32Array {
  const { input } = manifest;
  const values = new Float32Array(valuesPerFace(input));
  writeFace(schematicFace(input.width, input.height), input, values, 0);
  return values;
}

/** Why the WebGPU probabilities `gpu` cannot stand in for the WASM ones `wasm`, or `undefined` when they can. */
export function selfCheckFailure(gpu: Float32Array, wasm: Float32Array, quantized: boolean): string | undefined {
  const diff = maxAbsDiff(gpu, wasm);
  const tolerance = quantized ? QUANTIZED_SELF_CHECK_TOLERANCE : SELF_CHECK_TOLERANCE;
  const sameTop = argmax(gpu) === argmax(wasm);
  if (diff <= tolerance && sameTop) return undefined;
  return sameTop ? `WebGPU output differs from WASM by ${diff} (tolerance ${tolerance})` : 'WebGPU and WASM disagree on the top class';
}

function argmax(p: Float32Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return Infinity;
    if (d > max) max = d;
  }
  return max;
}
