/**
 * Filter re-layout from TensorFlow's channels-last conventions to ONNX's channels-first ones.
 */

/** A filter in ONNX layout: data plus dims. */
export interface OnnxFilter {
  dims: [number, number, number, number];
  data: Float32Array;
}

/**
 * TF/tfjs conv filter `[kh, kw, cin, cout]` (HWIO) → ONNX Conv weight `[cout, cin, kh, kw]` (OIHW).
 *
 * @param data - row-major HWIO values
 * @param shape - `[kh, kw, cin, cout]`
 */
export function convFilterToOihw(data: Float32Array, shape: readonly number[]): OnnxFilter {
  const [kh, kw, cin, cout] = checkRank4(data, shape);
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]!;
        }
      }
    }
  }
  return { dims: [cout, cin, kh, kw], data: out };
}

/**
 * TF/tfjs depthwise filter `[kh, kw, cin, multiplier]` → ONNX grouped Conv weight
 * `[cin · multiplier, 1, kh, kw]` for `group = cin`. TF orders the depthwise outputs as
 * `c · multiplier + m`, which is exactly the grouped-conv output order.
 *
 * @param data - row-major `[kh, kw, cin, multiplier]` values
 * @param shape - `[kh, kw, cin, multiplier]`
 */
export function depthwiseFilterToGrouped(data: Float32Array, shape: readonly number[]): OnnxFilter {
  const [kh, kw, cin, mult] = checkRank4(data, shape);
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let c = 0; c < cin; c++) {
        for (let m = 0; m < mult; m++) {
          out[((c * mult + m) * kh + y) * kw + x] = data[((y * kw + x) * cin + c) * mult + m]!;
        }
      }
    }
  }
  return { dims: [cin * mult, 1, kh, kw], data: out };
}

/** NHWC axis → NCHW axis (negative axes are taken relative to rank 4). */
export function nhwcAxisToNchw(axis: number): number {
  const a = axis < 0 ? axis + 4 : axis;
  const map = [0, 2, 3, 1];
  const mapped = map[a];
  if (mapped === undefined) throw new Error(`layout: axis ${axis} out of range for a 4-D tensor`);
  return mapped;
}

function checkRank4(data: Float32Array, shape: readonly number[]): [number, number, number, number] {
  if (shape.length !== 4) throw new Error(`layout: expected a 4-D filter, got [${shape.join(',')}]`);
  const dims = shape as [number, number, number, number];
  if (dims[0] * dims[1] * dims[2] * dims[3] !== data.length) {
    throw new Error(`layout: filter shape [${shape.join(',')}] does not match ${data.length} values`);
  }
  return dims;
}
