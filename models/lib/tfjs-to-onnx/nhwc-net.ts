/**
 * Emits ONNX nodes for TensorFlow-style (NHWC) operations. The network input stays NHWC and is
 * transposed once to NCHW; every 4-D tensor inside the graph is NCHW, while shapes are tracked in
 * TF's NHWC terms so TF padding, axes and flattening are reproduced exactly. Spatial sizes must be
 * static; the batch dimension is dynamic.
 */
import { convFilterToOihw, depthwiseFilterToGrouped, nhwcAxisToNchw } from './layout.ts';
import { float, int, ints, string, type Dim, OnnxGraph } from './onnx-writer.ts';
import { spatialPadding, type TfPadding } from './padding.ts';

/** A tensor in the graph: its ONNX name and its logical (TF, NHWC) shape. Batch is `'batch'`. */
export interface Tensor {
  name: string;
  /** NHWC for rank 4 (stored NCHW in the graph); other ranks are stored as is. */
  shape: Dim[];
}

/** Options of a TF convolution. */
export interface ConvOptions {
  strides?: readonly [number, number];
  padding: TfPadding;
  dilations?: readonly [number, number];
  /** For `EXPLICIT` padding: `[[top, bottom], [left, right]]`. */
  explicitPaddings?: readonly [readonly [number, number], readonly [number, number]];
}

/** Options of a TF pooling op. */
export interface PoolOptions {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  padding: 'SAME' | 'VALID';
}

/** Builds an ONNX graph from NHWC operations. */
export class NhwcNet {
  readonly graph: OnnxGraph;

  /** @param name - graph name */
  constructor(name: string) {
    this.graph = new OnnxGraph(name);
  }

  /**
   * Declares the float32 NHWC input `[batch, height, width, channels]` and transposes it to NCHW.
   *
   * @param name - ONNX input name
   * @param batch - name of the dynamic batch dimension
   */
  input(name: string, height: number, width: number, channels: number, batch = 'batch'): Tensor {
    this.graph.addInput(name, 'float32', [batch, height, width, channels]);
    const nchw = this.graph.addNode('Transpose', [name], `${name}_nchw`, { perm: ints([0, 3, 1, 2]) });
    return { name: nchw, shape: [batch, height, width, channels] };
  }

  /**
   * TF `conv2d` (filter `[kh, kw, cin, cout]`), with an optional bias fused into the ONNX Conv.
   *
   * @param name - base name of the output
   */
  conv2d(name: string, x: Tensor, filter: Float32Array, filterShape: readonly number[], bias: Float32Array | undefined, options: ConvOptions): Tensor {
    const [h, w, c] = spatial(x);
    const [kh, kw, cin, cout] = filterShape as [number, number, number, number];
    if (cin !== c) throw new Error(`${name}: filter expects ${cin} input channels, tensor has ${c}`);
    const f = convFilterToOihw(filter, filterShape);
    return this.conv(name, x, f.dims, f.data, bias, 1, [h, w], [kh, kw], cout, options);
  }

  /**
   * TF `depthwiseConv2d` (filter `[kh, kw, cin, multiplier]`) as a grouped Conv with `group = cin`.
   *
   * @param name - base name of the output
   */
  depthwiseConv2d(name: string, x: Tensor, filter: Float32Array, filterShape: readonly number[], bias: Float32Array | undefined, options: ConvOptions): Tensor {
    const [h, w, c] = spatial(x);
    const [kh, kw, cin, mult] = filterShape as [number, number, number, number];
    if (cin !== c) throw new Error(`${name}: depthwise filter expects ${cin} channels, tensor has ${c}`);
    const f = depthwiseFilterToGrouped(filter, filterShape);
    return this.conv(name, x, f.dims, f.data, bias, cin, [h, w], [kh, kw], cin * mult, options);
  }

  private conv(
    name: string,
    x: Tensor,
    dims: readonly number[],
    data: Float32Array,
    bias: Float32Array | undefined,
    group: number,
    size: [number, number],
    kernel: [number, number],
    cout: number,
    options: ConvOptions,
  ): Tensor {
    const strides = options.strides ?? [1, 1];
    const dilations = options.dilations ?? [1, 1];
    const p = spatialPadding(size, kernel, strides, dilations, options.padding, options.explicitPaddings);
    const inputs = [x.name, this.graph.addInitializer(`${name}/weights`, dims, data)];
    if (bias) {
      if (bias.length !== cout) throw new Error(`${name}: bias has ${bias.length} values for ${cout} channels`);
      inputs.push(this.graph.addInitializer(`${name}/bias`, [cout], bias));
    }
    const out = this.graph.addNode('Conv', inputs, name, {
      dilations: ints(dilations),
      group: int(group),
      kernel_shape: ints(kernel),
      pads: ints(p.pads),
      strides: ints(strides),
    });
    return { name: out, shape: [x.shape[0]!, p.outHeight, p.outWidth, cout] };
  }

  /** Adds a per-channel bias (last TF axis) to a tensor. */
  biasAdd(name: string, x: Tensor, bias: Float32Array): Tensor {
    const c = x.shape[x.shape.length - 1];
    if (bias.length !== c) throw new Error(`${name}: bias has ${bias.length} values for ${String(c)} channels`);
    const dims = x.shape.length === 4 ? [bias.length, 1, 1] : [bias.length];
    const b = this.graph.addInitializer(`${name}/bias`, dims, bias);
    return { name: this.graph.addNode('Add', [x.name, b], name), shape: x.shape };
  }

  /** Element-wise `a + b` of two tensors of the same shape. */
  add(name: string, a: Tensor, b: Tensor): Tensor {
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      throw new Error(`${name}: cannot add [${a.shape.join(',')}] and [${b.shape.join(',')}]`);
    }
    return { name: this.graph.addNode('Add', [a.name, b.name], name), shape: a.shape };
  }

  /** `max(x, 0)`. */
  relu(name: string, x: Tensor): Tensor {
    return { name: this.graph.addNode('Relu', [x.name], name), shape: x.shape };
  }

  /** `min(max(x, 0), 6)`. */
  relu6(name: string, x: Tensor): Tensor {
    const lo = this.graph.addInitializer(`${name}/min`, [], new Float32Array([0]));
    const hi = this.graph.addInitializer(`${name}/max`, [], new Float32Array([6]));
    return { name: this.graph.addNode('Clip', [x.name, lo, hi], name), shape: x.shape };
  }

  /**
   * TF/tfjs `prelu`: `x ≥ 0 ? x : alpha·x` with one `alpha` per channel (the last TF axis), as ONNX PRelu with the
   * slope shaped to broadcast over the stored layout (`[C, 1, 1]` for a 4-D tensor).
   */
  prelu(name: string, x: Tensor, alpha: Float32Array): Tensor {
    const c = x.shape[x.shape.length - 1];
    if (alpha.length !== c) throw new Error(`${name}: prelu has ${alpha.length} slopes for ${String(c)} channels`);
    const slope = this.graph.addInitializer(`${name}/alpha`, x.shape.length === 4 ? [alpha.length, 1, 1] : [alpha.length], alpha);
    return { name: this.graph.addNode('PRelu', [x.name, slope], name), shape: x.shape };
  }

  /** `x ≥ 0 ? x : alpha·x`. */
  leakyRelu(name: string, x: Tensor, alpha: number): Tensor {
    return { name: this.graph.addNode('LeakyRelu', [x.name], name, { alpha: float(alpha) }), shape: x.shape };
  }

  /** TF `maxPool`; SAME padding is written as explicit pads (ONNX MaxPool ignores padded cells). */
  maxPool(name: string, x: Tensor, options: PoolOptions): Tensor {
    return this.pool('MaxPool', name, x, options);
  }

  /** TF `avgPool`; SAME padding → explicit pads with `count_include_pad = 0`, as TF averages real cells only. */
  avgPool(name: string, x: Tensor, options: PoolOptions): Tensor {
    return this.pool('AveragePool', name, x, options);
  }

  private pool(op: 'MaxPool' | 'AveragePool', name: string, x: Tensor, options: PoolOptions): Tensor {
    const [h, w, c] = spatial(x);
    const p = spatialPadding([h, w], options.kernel, options.strides, [1, 1], options.padding);
    const attributes = {
      ...(op === 'AveragePool' ? { count_include_pad: int(0) } : {}),
      kernel_shape: ints(options.kernel),
      pads: ints(p.pads),
      strides: ints(options.strides),
    };
    return { name: this.graph.addNode(op, [x.name], name, attributes), shape: [x.shape[0]!, p.outHeight, p.outWidth, c] };
  }

  /**
   * TF `mean` over NHWC axes of a 4-D tensor. Reducing exactly the spatial axes without keepDims
   * gives `[N, C]`, identical in both layouts.
   */
  mean(name: string, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
    if (x.shape.length !== 4) throw new Error(`${name}: mean is only supported on 4-D tensors`);
    const nhwc = [...new Set(axes.map((a) => (a < 0 ? a + 4 : a)))].sort((a, b) => a - b);
    const nchw = nhwc.map(nhwcAxisToNchw).sort((a, b) => a - b);
    if (!keepDims && !(nhwc.length === 2 && nhwc[0] === 1 && nhwc[1] === 2)) {
      throw new Error(`${name}: mean without keep_dims is only supported over the spatial axes`);
    }
    const out = this.graph.addNode('ReduceMean', [x.name], name, { axes: ints(nchw), keepdims: int(keepDims ? 1 : 0) });
    const shape = keepDims ? x.shape.map((d, i) => (nhwc.includes(i) ? 1 : d)) : [x.shape[0]!, x.shape[3]!];
    return { name: out, shape };
  }

  /** Flattens a 4-D tensor to `[N, H·W·C]` in TF (NHWC) element order. */
  flatten(name: string, x: Tensor): Tensor {
    const [h, w, c] = spatial(x);
    let input = x.name;
    if (h !== 1 || w !== 1) {
      input = this.graph.addNode('Transpose', [x.name], `${name}_nhwc`, { perm: ints([0, 2, 3, 1]) });
    }
    return { name: this.graph.addNode('Flatten', [input], name, { axis: int(1) }), shape: [x.shape[0]!, h * w * c] };
  }

  /** `x · W + b` for `x` `[N, in]`, `W` `[in, out]` (TF/tfjs matMul layout). */
  dense(name: string, x: Tensor, weights: Float32Array, weightsShape: readonly number[], bias: Float32Array | undefined): Tensor {
    const [cin, cout] = weightsShape as [number, number];
    if (x.shape.length !== 2 || x.shape[1] !== cin) throw new Error(`${name}: dense expects [N, ${cin}], got [${x.shape.join(',')}]`);
    const inputs = [x.name, this.graph.addInitializer(`${name}/weights`, [cin, cout], weights)];
    if (bias) inputs.push(this.graph.addInitializer(`${name}/bias`, [cout], bias));
    return { name: this.graph.addNode('Gemm', inputs, name), shape: [x.shape[0]!, cout] };
  }

  /** Softmax over the last axis of a 2-D tensor. */
  softmax(name: string, x: Tensor): Tensor {
    if (x.shape.length !== 2) throw new Error(`${name}: softmax is only supported on 2-D tensors`);
    return { name: this.graph.addNode('Softmax', [x.name], name, { axis: int(-1) }), shape: x.shape };
  }

  /**
   * Zero padding of a 4-D tensor; `paddings` are TF's `[[before, after]] per NHWC axis` (batch unpadded).
   *
   * @param name - base name of the output
   */
  pad(name: string, x: Tensor, paddings: readonly (readonly [number, number])[]): Tensor {
    const [h, w, c] = spatial(x);
    if (paddings.length !== 4 || paddings[0]![0] !== 0 || paddings[0]![1] !== 0) throw new Error(`${name}: only 4-D pads without batch padding are supported`);
    const nchw = [0, 3, 1, 2].map((axis) => paddings[axis]!);
    const pads = this.graph.addInitializer(`${name}/pads`, [8], [...nchw.map((p) => p[0]), ...nchw.map((p) => p[1])], 'int64');
    const out = this.graph.addNode('Pad', [x.name, pads], name, { mode: string('constant') });
    const [, [t, b], [l, r], [cb, ca]] = paddings as [unknown, [number, number], [number, number], [number, number]];
    return { name: out, shape: [x.shape[0]!, h + t + b, w + l + r, c + cb + ca] };
  }

  /**
   * TF `reshape` with TF (NHWC) element order; the first dimension of `shape` is the batch and is kept.
   * A 4-D input is transposed back to NHWC first; 4-D outputs are not supported.
   *
   * @param name - base name of the output
   * @param shape - the new shape, batch first; one entry may be -1
   */
  reshape(name: string, x: Tensor, shape: readonly number[]): Tensor {
    if (shape.length === 4) throw new Error(`${name}: reshaping to 4-D is not supported`);
    const input = x.shape.length === 4 ? this.graph.addNode('Transpose', [x.name], `${name}_nhwc`, { perm: ints([0, 2, 3, 1]) }) : x.name;
    const dims = [0, ...shape.slice(1)];
    const target = this.graph.addInitializer(`${name}/shape`, [dims.length], dims, 'int64');
    const known = x.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' ? d : NaN), 1);
    const fixed = shape.slice(1).reduce((a, d) => (d === -1 ? a : a * d), 1);
    const resolved: Dim[] = [x.shape[0]!, ...shape.slice(1).map((d) => (d === -1 ? known / fixed : d))];
    return { name: this.graph.addNode('Reshape', [input, target], name), shape: resolved };
  }

  /**
   * TF `concat` of tensors of equal rank along the TF `axis` (for 4-D tensors, mapped to the stored NCHW axis).
   *
   * @param name - base name of the output
   */
  concat(name: string, xs: readonly Tensor[], axis: number): Tensor {
    const rank = xs[0]!.shape.length;
    if (xs.some((x) => x.shape.length !== rank)) throw new Error(`${name}: concat needs tensors of equal rank`);
    const a = axis < 0 ? axis + rank : axis;
    if (a === 0) throw new Error(`${name}: concat along the batch is not supported`);
    const shape = xs[0]!.shape.map((d, i) => (i === a ? xs.reduce((sum, x) => sum + (x.shape[i] as number), 0) : d));
    const stored = rank === 4 ? nhwcAxisToNchw(a) : a;
    return { name: this.graph.addNode('Concat', xs.map((x) => x.name), name, { axis: int(stored) }), shape };
  }

  /**
   * TF `resizeBilinear` of a 4-D tensor to `[height, width]`. `align_corners` and `half_pixel_centers` map to
   * ONNX Resize's `align_corners` and `half_pixel` coordinate modes; neither is `asymmetric`.
   *
   * @param name - base name of the output
   */
  resizeBilinear(name: string, x: Tensor, size: readonly [number, number], options: { alignCorners: boolean; halfPixelCenters: boolean }): Tensor {
    const [h, w, c] = spatial(x);
    const mode = options.alignCorners ? 'align_corners' : options.halfPixelCenters ? 'half_pixel' : 'asymmetric';
    // Opset 17 has no `axes`: scales for all four NCHW axes (the batch is dynamic, so no `sizes`).
    const scales = this.graph.addInitializer(`${name}/scales`, [4], new Float32Array([1, 1, size[0] / h, size[1] / w]));
    const out = this.graph.addNode('Resize', [x.name, '', scales], name, {
      coordinate_transformation_mode: string(mode),
      mode: string('linear'),
    });
    return { name: out, shape: [x.shape[0]!, size[0], size[1], c] };
  }

  /** Declares `x` as the graph output `name` (ranks below 4 only, as 4-D ones would be NCHW). */
  output(x: Tensor, name: string): void {
    if (x.shape.length === 4) throw new Error(`output ${name}: 4-D outputs are not supported`);
    this.graph.addOutput(x.name, name, 'float32', x.shape);
  }
}

function spatial(x: Tensor): [number, number, number] {
  const [, h, w, c] = x.shape;
  if (x.shape.length !== 4 || typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') {
    throw new Error(`expected a 4-D tensor with static H, W, C, got [${x.shape.join(',')}]`);
  }
  return [h, w, c];
}
