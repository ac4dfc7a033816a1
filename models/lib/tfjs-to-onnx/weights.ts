/**
 * Reading tfjs weights manifests (`*-weights_manifest.json`, or the `weightsManifest` of a
 * `model.json`) and their binary shards, decoded exactly as tfjs 4.x does in
 * `tfjs-core/src/io/io_utils.ts` (`decodeWeight`): uint8/uint16 quantised values become
 * `Math.fround(v * scale + min)` (double arithmetic, then stored in a Float32Array), int32 weights
 * quantised the same way are `Math.round`ed, and float16 goes through the same lookup tables as
 * tfjs's `getFloat16Decoder`, so every decoded value is bit-identical to what tfjs computes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Quantisation block of a weights-manifest entry. */
export interface WeightQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  original_dtype?: string;
}

/** One weight in a weights-manifest group. */
export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: WeightQuantization;
}

/** One group of a weights manifest: its weights are stored back to back across `paths`. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightsManifestEntry[];
}

/** A decoded weight tensor (row-major, in its tfjs shape). */
export type DecodedWeight =
  | { name: string; shape: number[]; dtype: 'float32'; data: Float32Array }
  | { name: string; shape: number[]; dtype: 'int32'; data: Int32Array };

/** Decoded weights by name, in manifest order. */
export type WeightMap = Map<string, DecodedWeight>;

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Number of elements of a shape (1 for a scalar). */
export function sizeFromShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

let float16Tables: { mantissa: Uint32Array; exponent: Uint32Array; offset: Uint32Array } | undefined;

/** The lookup tables of tfjs's `getFloat16Decoder` (after http://www.fox-toolkit.org/ftp/fasthalffloatconversion.pdf). */
function getFloat16Tables(): { mantissa: Uint32Array; exponent: Uint32Array; offset: Uint32Array } {
  if (float16Tables) return float16Tables;
  const mantissa = new Uint32Array(2048);
  for (let i = 1; i < 1024; i++) {
    let m = i << 13;
    let e = 0;
    while ((m & 0x00800000) === 0) {
      e -= 0x00800000;
      m <<= 1;
    }
    m &= ~0x00800000;
    e += 0x38800000;
    mantissa[i] = m | e;
  }
  for (let i = 1024; i < 2048; i++) mantissa[i] = 0x38000000 + ((i - 1024) << 13);
  const exponent = new Uint32Array(64);
  exponent[31] = 0x47800000;
  exponent[32] = 0x80000000;
  exponent[63] = 0xc7800000;
  for (let i = 1; i < 31; i++) exponent[i] = i << 23;
  for (let i = 33; i < 63; i++) exponent[i] = 0x80000000 + ((i - 32) << 23);
  const offset = new Uint32Array(64).fill(1024);
  offset[0] = 0;
  offset[32] = 0;
  float16Tables = { mantissa, exponent, offset };
  return float16Tables;
}

/** Decodes IEEE half floats (as uint16 bit patterns) to float32 exactly as tfjs's `getFloat16Decoder`. */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  const { mantissa, exponent, offset } = getFloat16Tables();
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    out[i] = (mantissa[offset[h >> 10]! + (h & 0x3ff)]! + exponent[h >> 10]!) >>> 0;
  }
  return new Float32Array(out.buffer);
}

/** Byte length of one manifest entry inside its group's buffer. */
export function weightByteLength(entry: WeightsManifestEntry): number {
  const size = sizeFromShape(entry.shape);
  const dtype = entry.quantization ? entry.quantization.dtype : entry.dtype;
  const bytes = BYTES[dtype];
  if (bytes === undefined) throw new Error(`weights: ${entry.name} has unsupported dtype ${dtype}`);
  return size * bytes;
}

/**
 * Decodes one weight from its bytes, following tfjs's `decodeWeight`.
 *
 * @param entry - the manifest entry (name, shape, dtype, optional quantization)
 * @param bytes - exactly {@link weightByteLength} bytes of the group buffer
 * @returns the decoded tensor data
 */
export function decodeWeight(entry: WeightsManifestEntry, bytes: Uint8Array): DecodedWeight {
  const size = sizeFromShape(entry.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { name, shape } = entry;
  const q = entry.quantization;
  if (q) {
    if ((q.dtype === 'uint8' || q.dtype === 'uint16') && (q.scale === undefined || q.min === undefined)) {
      throw new Error(`weights: ${name} is quantised to ${q.dtype} without min and scale`);
    }
    const raw = q.dtype === 'uint8' ? bytes.subarray(0, size) : Uint16Array.from({ length: size }, (_, i) => view.getUint16(2 * i, true));
    if (entry.dtype === 'float32') {
      if (q.dtype === 'float16') return { name, shape, dtype: 'float32', data: decodeFloat16(raw as Uint16Array) };
      const data = new Float32Array(size);
      const scale = q.scale!;
      const min = q.min!;
      for (let i = 0; i < size; i++) data[i] = raw[i]! * scale + min;
      return { name, shape, dtype: 'float32', data };
    }
    if (entry.dtype === 'int32' && q.dtype !== 'float16') {
      const data = new Int32Array(size);
      for (let i = 0; i < size; i++) data[i] = Math.round(raw[i]! * q.scale! + q.min!);
      return { name, shape, dtype: 'int32', data };
    }
    throw new Error(`weights: ${name} has unsupported quantisation ${q.dtype} for dtype ${entry.dtype}`);
  }
  if (entry.dtype === 'float32') {
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(4 * i, true);
    return { name, shape, dtype: 'float32', data };
  }
  if (entry.dtype === 'int32') {
    const data = new Int32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getInt32(4 * i, true);
    return { name, shape, dtype: 'int32', data };
  }
  throw new Error(`weights: ${name} has unsupported dtype ${entry.dtype}`);
}

/**
 * Decodes all weights of a manifest from already-loaded shard bytes.
 *
 * @param manifest - the weights manifest (list of groups)
 * @param readShard - returns the bytes of one shard path of a group
 * @returns weights by name, in manifest order
 */
export function decodeWeights(manifest: readonly WeightsManifestGroup[], readShard: (path: string) => Uint8Array): WeightMap {
  const map: WeightMap = new Map();
  for (const group of manifest) {
    const shards = group.paths.map(readShard);
    const total = shards.reduce((n, s) => n + s.byteLength, 0);
    const buffer = new Uint8Array(total);
    let at = 0;
    for (const shard of shards) {
      buffer.set(shard, at);
      at += shard.byteLength;
    }
    let offset = 0;
    for (const entry of group.weights) {
      const length = weightByteLength(entry);
      if (offset + length > buffer.byteLength) throw new Error(`weights: ${entry.name} runs past the end of ${group.paths.join(', ')}`);
      if (map.has(entry.name)) throw new Error(`weights: duplicate weight ${entry.name}`);
      map.set(entry.name, decodeWeight(entry, buffer.subarray(offset, offset + length)));
      offset += length;
    }
    if (offset !== buffer.byteLength) {
      throw new Error(`weights: ${group.paths.join(', ')} has ${buffer.byteLength - offset} bytes not described by the manifest`);
    }
  }
  return map;
}

/**
 * Reads a weights manifest's shards from a folder and decodes them.
 *
 * @param manifest - the weights manifest
 * @param dir - folder the shard paths are relative to
 */
export function readWeights(manifest: readonly WeightsManifestGroup[], dir: string): WeightMap {
  return decodeWeights(manifest, (path) => new Uint8Array(readFileSync(join(dir, path))));
}

/** Looks up a float32 weight, checking its shape. */
export function floatWeight(weights: WeightMap, name: string, shape?: readonly number[]): Float32Array {
  const w = weights.get(name);
  if (!w) throw new Error(`weights: missing ${name}`);
  if (w.dtype !== 'float32') throw new Error(`weights: ${name} is ${w.dtype}, expected float32`);
  if (shape && (shape.length !== w.shape.length || shape.some((d, i) => d !== w.shape[i]))) {
    throw new Error(`weights: ${name} has shape [${w.shape.join(',')}], expected [${shape.join(',')}]`);
  }
  return w.data;
}
