/**
 * TFLite (float, NHWC) → ONNX: walks the operators of a {@link TfliteGraph} in order and emits them with
 * {@link NhwcNet}, which keeps activations NCHW inside the graph. Supported: CONV_2D, DEPTHWISE_CONV_2D,
 * ADD, RELU, RELU6, PAD (constant paddings), MAX_POOL_2D, AVERAGE_POOL_2D, RESIZE_BILINEAR, RESHAPE (to rank < 4),
 * CONCATENATION (rank < 4), DEQUANTIZE (of float16 constants), and fused RELU/RELU6. Anything else throws,
 * naming the operator, so an unsupported model never converts silently wrong.
 */
import { NhwcNet, type Tensor } from '../tfjs-to-onnx/nhwc-net.ts';
import { type Activation, BuiltinOp, type TfliteGraph, type TfliteOperator } from './tflite-graph.ts';

const OP_NAMES = Object.fromEntries(Object.entries(BuiltinOp).map(([name, code]) => [code, name])) as Record<number, string>;

/** Converts the graph; the input is declared NHWC `[batch, H, W, C]` and outputs keep their TFLite names. */
export function tfliteToOnnx(graph: TfliteGraph, name: string): NhwcNet {
  const net = new NhwcNet(name);
  const values = new Map<number, Tensor>();
  const constants = new Map<number, Float32Array | Int32Array>();
  for (const t of graph.tensors) if (t.data) constants.set(t.index, t.data);

  for (const index of graph.inputs) {
    const t = graph.tensors[index]!;
    const [, h, w, c] = t.shape as [number, number, number, number];
    if (t.shape.length !== 4 || t.type !== 'float32') throw new Error(`tflite-to-onnx: input ${t.name} must be a float32 NHWC image`);
    values.set(index, net.input(t.name, h, w, c));
  }

  const value = (index: number): Tensor => {
    const v = values.get(index);
    if (!v) throw new Error(`tflite-to-onnx: tensor ${graph.tensors[index]?.name ?? index} is used before it is computed`);
    return v;
  };
  const floats = (index: number): Float32Array => {
    const c = constants.get(index);
    if (!(c instanceof Float32Array)) throw new Error(`tflite-to-onnx: tensor ${graph.tensors[index]?.name ?? index} is not a float constant`);
    return c;
  };
  const ints = (index: number): Int32Array => {
    const c = constants.get(index);
    if (!(c instanceof Int32Array)) throw new Error(`tflite-to-onnx: tensor ${graph.tensors[index]?.name ?? index} is not an int32 constant`);
    return c;
  };

  graph.operators.forEach((op, i) => {
    const out = op.outputs[0]!;
    const label = `${OP_NAMES[op.op] ?? `op${op.op}`.toLowerCase()}_${i}`.toLowerCase();
    if (op.op === BuiltinOp.DEQUANTIZE) {
      constants.set(out, floats(op.inputs[0]!));
      return;
    }
    const result = emit(net, op, label, value, floats, ints, graph);
    values.set(out, activate(net, `${label}_act`, result, op.options.activation ?? 'NONE'));
  });

  for (const index of graph.outputs) net.output(value(index), graph.tensors[index]!.name);
  return net;
}

function emit(
  net: NhwcNet,
  op: TfliteOperator,
  label: string,
  value: (index: number) => Tensor,
  floats: (index: number) => Float32Array,
  ints: (index: number) => Int32Array,
  graph: TfliteGraph,
): Tensor {
  const o = op.options;
  const [a, b, c] = op.inputs as [number, number, number | undefined];
  switch (op.op) {
    case BuiltinOp.CONV_2D: {
      const [cout, kh, kw, cin] = graph.tensors[b]!.shape as [number, number, number, number];
      const filter = ohwiToHwio(floats(b), cout, kh, kw, cin);
      return net.conv2d(label, value(a), filter, [kh, kw, cin, cout], c === undefined || c < 0 ? undefined : floats(c), {
        strides: [o.strideH!, o.strideW!],
        dilations: [o.dilationH!, o.dilationW!],
        padding: o.padding!,
      });
    }
    case BuiltinOp.DEPTHWISE_CONV_2D: {
      const [, kh, kw, cout] = graph.tensors[b]!.shape as [number, number, number, number];
      const mult = o.depthMultiplier || 1;
      // [1, kh, kw, cin·mult] has the memory order of TF's [kh, kw, cin, mult].
      return net.depthwiseConv2d(label, value(a), floats(b), [kh, kw, cout / mult, mult], c === undefined || c < 0 ? undefined : floats(c), {
        strides: [o.strideH!, o.strideW!],
        dilations: [o.dilationH!, o.dilationW!],
        padding: o.padding!,
      });
    }
    case BuiltinOp.ADD:
      return net.add(label, value(a), value(b));
    case BuiltinOp.RELU:
      return net.relu(label, value(a));
    case BuiltinOp.RELU6:
      return net.relu6(label, value(a));
    case BuiltinOp.PAD: {
      const p = ints(b);
      return net.pad(label, value(a), [0, 1, 2, 3].map((axis) => [p[2 * axis]!, p[2 * axis + 1]!] as const));
    }
    case BuiltinOp.MAX_POOL_2D:
    case BuiltinOp.AVERAGE_POOL_2D: {
      const pool = { kernel: [o.filterH!, o.filterW!] as const, strides: [o.strideH!, o.strideW!] as const, padding: o.padding! };
      return op.op === BuiltinOp.MAX_POOL_2D ? net.maxPool(label, value(a), pool) : net.avgPool(label, value(a), pool);
    }
    case BuiltinOp.RESHAPE: {
      const shape = o.newShape?.length ? o.newShape : [...ints(b)];
      return net.reshape(label, value(a), shape);
    }
    case BuiltinOp.RESIZE_BILINEAR: {
      const [h, w] = ints(b);
      return net.resizeBilinear(label, value(a), [h!, w!], { alignCorners: !!o.alignCorners, halfPixelCenters: !!o.halfPixelCenters });
    }
    case BuiltinOp.CONCATENATION:
      return net.concat(label, op.inputs.map(value), o.axis!);
    default:
      throw new Error(`tflite-to-onnx: operator ${OP_NAMES[op.op] ?? `builtin ${op.op}`} is not supported`);
  }
}

function activate(net: NhwcNet, name: string, x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'NONE':
      return x;
    case 'RELU':
      return net.relu(name, x);
    case 'RELU6':
      return net.relu6(name, x);
    default:
      throw new Error(`tflite-to-onnx: fused activation ${activation} is not supported`);
  }
}

/** TFLite conv filter `[cout, kh, kw, cin]` (OHWI) → TF `[kh, kw, cin, cout]` (HWIO). */
function ohwiToHwio(data: Float32Array, cout: number, kh: number, kw: number, cin: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < cout; o++) {
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        for (let i = 0; i < cin; i++) out[((y * kw + x) * cin + i) * cout + o] = data[((o * kh + y) * kw + x) * cin + i]!;
      }
    }
  }
  return out;
}
