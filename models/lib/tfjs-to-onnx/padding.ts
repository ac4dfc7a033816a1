/**
 * TensorFlow padding modes turned into the explicit pads ONNX wants. TF `SAME` pads
 * `max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0)` in total, with the smaller half at the
 * start; that is ONNX's `SAME_UPPER`, but written out explicitly so the graph has fixed pads.
 * TF `SAME` average pooling divides by the number of real (non-padding) inputs, i.e. ONNX
 * `AveragePool` with `count_include_pad = 0`; TF max pooling ignores padding like ONNX `MaxPool`.
 */

/** A TF padding mode. `EXPLICIT` takes `explicit` pads. */
export type TfPadding = 'SAME' | 'VALID' | 'EXPLICIT';

/** Pads and output size along one spatial axis. */
export interface AxisPadding {
  begin: number;
  end: number;
  out: number;
}

/**
 * Padding along one spatial axis.
 *
 * @param size - input size
 * @param kernel - kernel size
 * @param stride - stride
 * @param dilation - dilation (1 for pooling)
 * @param padding - TF padding mode
 * @param explicit - `[begin, end]` for `EXPLICIT`
 */
export function axisPadding(size: number, kernel: number, stride: number, dilation: number, padding: TfPadding, explicit?: readonly [number, number]): AxisPadding {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'SAME') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + effective - size, 0);
    const begin = Math.floor(total / 2);
    return { begin, end: total - begin, out };
  }
  const [begin, end] = padding === 'EXPLICIT' ? (explicit ?? [0, 0]) : [0, 0];
  const out = Math.floor((size + begin + end - effective) / stride) + 1;
  if (out < 1) throw new Error(`padding: kernel ${kernel} (dilation ${dilation}) does not fit input ${size}`);
  return { begin, end, out };
}

/** Explicit 2-D pads in ONNX order plus the output size. */
export interface SpatialPadding {
  /** ONNX `pads`: `[top, left, bottom, right]`. */
  pads: [number, number, number, number];
  outHeight: number;
  outWidth: number;
}

/**
 * 2-D explicit pads for a TF conv/pool.
 *
 * @param input - `[height, width]`
 * @param kernel - `[kh, kw]`
 * @param strides - `[sh, sw]`
 * @param dilations - `[dh, dw]`
 * @param padding - TF padding mode
 * @param explicit - for `EXPLICIT`: `[[top, bottom], [left, right]]`
 */
export function spatialPadding(
  input: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: TfPadding,
  explicit?: readonly [readonly [number, number], readonly [number, number]],
): SpatialPadding {
  const h = axisPadding(input[0], kernel[0], strides[0], dilations[0], padding, explicit?.[0]);
  const w = axisPadding(input[1], kernel[1], strides[1], dilations[1], padding, explicit?.[1]);
  return { pads: [h.begin, w.begin, h.end, w.end], outHeight: h.out, outWidth: w.out };
}
