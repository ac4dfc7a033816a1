/**
 * Translates a tfjs graph model (`model.json` with `format: "graph-model"`) into ONNX through
 * {@link NhwcNet}. Supported ops: Placeholder, Const, Identity, Conv2D, _FusedConv2D (BiasAdd +
 * Relu/Relu6/LeakyRelu), DepthwiseConv2dNative, FusedDepthwiseConv2dNative, MaxPool, AvgPool,
 * Add/AddV2, BiasAdd, Relu, Relu6, Prelu (also fused into _FusedConv2D), Pad, ConcatV2, Mean, Softmax. Anything
 * else throws, naming the op.
 */
import { NhwcNet, type ConvOptions, type Tensor } from './nhwc-net.ts';
import type { TfPadding } from './padding.ts';
import type { DecodedWeight, WeightMap, WeightsManifestGroup } from './weights.ts';

/** A tfjs/TF attribute value as stored in model.json (the JSON form of `AttrValue`). */
export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[] };
  shape?: unknown;
  tensor?: unknown;
}

/** A node of `modelTopology.node`. */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
  device?: string;
}

/** The parts of a graph-model `model.json` used here. */
export interface GraphModelJson {
  format?: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: WeightsManifestGroup[];
  userDefinedMetadata?: { signature?: { outputs?: Record<string, { name: string }> } };
  signature?: { outputs?: Record<string, { name: string }> };
}

/** Options of {@link convertGraphModel}. */
export interface ConvertGraphOptions {
  /** ONNX graph name. */
  graphName: string;
  /** ONNX input name (the graph must have exactly one Placeholder, NHWC with static H, W, C). */
  inputName: string;
  /** ONNX output name (the graph must have exactly one output). */
  outputName: string;
  /** Name of the dynamic batch dimension. */
  batchDim?: string;
  /**
   * Flatten a 4-D graph output `[N, H, W, C]` to `[N, H·W·C]` in TF element order (ONNX outputs are 2-D or less here,
   * as a 4-D tensor is stored NCHW inside the graph). Without it, a 4-D output throws.
   */
  flattenOutput?: boolean;
}

type Value = { kind: 'tensor'; tensor: Tensor } | { kind: 'const'; weight: DecodedWeight };

const decoder = new TextDecoder();

/** Decodes a base64 `s` attribute. */
function attrString(node: TfNode, key: string): string | undefined {
  const s = node.attr?.[key]?.s;
  return s === undefined ? undefined : decoder.decode(Buffer.from(s, 'base64'));
}

function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map((s) => decoder.decode(Buffer.from(s, 'base64')));
}

function attrInts(node: TfNode, key: string): number[] | undefined {
  return node.attr?.[key]?.list?.i?.map(Number);
}

function attrFloat(node: TfNode, key: string): number | undefined {
  const f = node.attr?.[key]?.f;
  return f === undefined ? undefined : Number(f);
}

/** Strips `^control` and `:0` output suffixes from an input reference. */
function inputNode(ref: string): string {
  if (ref.startsWith('^')) return '';
  const colon = ref.lastIndexOf(':');
  if (colon > 0) {
    if (ref.slice(colon + 1) !== '0') throw new Error(`graph-model: multi-output input ${ref} is not supported`);
    return ref.slice(0, colon);
  }
  return ref;
}

function checkNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format');
  if (format !== undefined && format !== 'NHWC') throw new Error(`graph-model: ${node.name} uses data_format ${format}`);
}

/** strides/dilations/ksize attribute `[1, h, w, 1]` → `[h, w]`. */
function spatialAttr(node: TfNode, key: string, fallback: [number, number]): [number, number] {
  const v = attrInts(node, key);
  if (!v || v.length === 0) return fallback;
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) throw new Error(`graph-model: ${node.name} has unsupported ${key} [${v.join(',')}]`);
  return [v[1]!, v[2]!];
}

function convOptions(node: TfNode): ConvOptions {
  checkNhwc(node);
  const padding = attrString(node, 'padding') as TfPadding | undefined;
  if (padding !== 'SAME' && padding !== 'VALID' && padding !== 'EXPLICIT') throw new Error(`graph-model: ${node.name} has padding ${String(padding)}`);
  const options: ConvOptions = {
    strides: spatialAttr(node, 'strides', [1, 1]),
    dilations: spatialAttr(node, 'dilations', [1, 1]),
    padding,
  };
  if (padding === 'EXPLICIT') {
    const p = attrInts(node, 'explicit_paddings') ?? [];
    if (p.length !== 8) throw new Error(`graph-model: ${node.name} has explicit_paddings [${p.join(',')}]`);
    options.explicitPaddings = [
      [p[2]!, p[3]!],
      [p[4]!, p[5]!],
    ];
  }
  return options;
}

/** The single graph output: from the signature if present, else the one node nobody consumes. */
function findOutput(model: GraphModelJson, byName: Map<string, TfNode>): string {
  const signature = model.signature ?? model.userDefinedMetadata?.signature;
  const outputs = Object.values(signature?.outputs ?? {}).map((o) => inputNode(o.name));
  if (outputs.length === 1 && byName.has(outputs[0]!)) return outputs[0]!;
  const consumed = new Set(model.modelTopology.node.flatMap((n) => (n.input ?? []).map(inputNode)));
  const sinks = model.modelTopology.node.filter((n) => n.op !== 'Const' && !consumed.has(n.name));
  if (sinks.length !== 1) throw new Error(`graph-model: expected one output, found ${sinks.map((n) => n.name).join(', ')}`);
  return sinks[0]!.name;
}

/**
 * Converts a tfjs graph model to ONNX.
 *
 * @param model - the parsed `model.json`
 * @param weights - its decoded weights (see `readWeights`)
 * @param options - graph, input and output names
 * @returns the builder holding the ONNX graph (serialise its `graph` with `serializeModel`)
 */
export function convertGraphModel(model: GraphModelJson, weights: WeightMap, options: ConvertGraphOptions): NhwcNet {
  if (model.format !== undefined && model.format !== 'graph-model') throw new Error(`graph-model: format is ${model.format}`);
  const byName = new Map(model.modelTopology.node.map((n) => [n.name, n]));
  const net = new NhwcNet(options.graphName);
  const values = new Map<string, Value>();
  let placeholders = 0;

  const tensorOf = (node: TfNode, index: number): Tensor => {
    const v = valueOf(node, index);
    if (v.kind !== 'tensor') throw new Error(`graph-model: ${node.name} input ${index} must be a tensor, not a constant`);
    return v.tensor;
  };
  const constOf = (node: TfNode, index: number): DecodedWeight => {
    const v = valueOf(node, index);
    if (v.kind !== 'const') throw new Error(`graph-model: ${node.name} input ${index} must be a constant`);
    return v.weight;
  };
  const floatConst = (node: TfNode, index: number): Float32Array => {
    const w = constOf(node, index);
    if (w.dtype !== 'float32') throw new Error(`graph-model: ${node.name} input ${index} must be float32`);
    return w.data;
  };
  const valueOf = (node: TfNode, index: number): Value => {
    const ref = node.input?.filter((i) => !i.startsWith('^'))[index];
    if (ref === undefined) throw new Error(`graph-model: ${node.name} has no input ${index}`);
    return visit(inputNode(ref));
  };

  const activation = (node: TfNode, name: string, x: Tensor, ops: readonly string[]): Tensor => {
    if (ops.length === 0) return x;
    if (ops.length > 1) throw new Error(`graph-model: ${node.name} fuses [${ops.join(', ')}]`);
    switch (ops[0]) {
      case 'Prelu':
        // _FusedConv2D's inputs: x, filter, then its num_args extra arguments: the bias, then the slopes.
        return net.prelu(name, x, floatConst(node, 3));
      case 'Relu':
        return net.relu(name, x);
      case 'Relu6':
        return net.relu6(name, x);
      case 'LeakyRelu':
        return net.leakyRelu(name, x, attrFloat(node, 'leakyrelu_alpha') ?? 0.2);
      default:
        throw new Error(`graph-model: ${node.name} fuses unsupported activation ${String(ops[0])}`);
    }
  };

  const fusedConv = (node: TfNode, depthwise: boolean): Tensor => {
    const fused = node.op.startsWith('_Fused') || node.op.startsWith('Fused') ? attrStrings(node, 'fused_ops') : [];
    const [first, ...rest] = fused;
    let bias: Float32Array | undefined;
    let acts: string[] = [];
    if (first === 'BiasAdd') {
      const numArgs = Number(node.attr?.num_args?.i ?? 1);
      if (numArgs !== (rest[0] === 'Prelu' ? 2 : 1)) throw new Error(`graph-model: ${node.name} fuses [${fused.join(', ')}] with num_args ${numArgs}`);
      bias = floatConst(node, 2);
      acts = rest;
    } else if (first !== undefined) {
      throw new Error(`graph-model: ${node.name} fuses unsupported ${fused.join(', ')}`);
    }
    const x = tensorOf(node, 0);
    const filter = constOf(node, 1);
    if (filter.dtype !== 'float32') throw new Error(`graph-model: ${node.name} filter must be float32`);
    const base = acts.length ? `${node.name}/conv` : node.name;
    const conv = depthwise
      ? net.depthwiseConv2d(base, x, filter.data, filter.shape, bias, convOptions(node))
      : net.conv2d(base, x, filter.data, filter.shape, bias, convOptions(node));
    return activation(node, node.name, conv, acts);
  };

  const translate = (node: TfNode): Value => {
    const tensor = (t: Tensor): Value => ({ kind: 'tensor', tensor: t });
    switch (node.op) {
      case 'Const': {
        const weight = weights.get(node.name);
        if (!weight) throw new Error(`graph-model: constant ${node.name} has no weight in the manifest`);
        return { kind: 'const', weight };
      }
      case 'Placeholder': {
        placeholders++;
        const dims = (node.attr?.shape?.shape as { dim?: { size?: string | number }[] } | undefined)?.dim?.map((d) => Number(d.size ?? -1));
        if (!dims || dims.length !== 4 || dims.slice(1).some((d) => d < 1)) throw new Error(`graph-model: input ${node.name} must be [N, H, W, C] with static H, W, C`);
        return tensor(net.input(options.inputName, dims[1]!, dims[2]!, dims[3]!, options.batchDim ?? 'batch'));
      }
      case 'Identity':
        return valueOf(node, 0);
      case 'Conv2D':
      case '_FusedConv2D':
        return tensor(fusedConv(node, false));
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return tensor(fusedConv(node, true));
      case 'MaxPool':
      case 'AvgPool': {
        checkNhwc(node);
        const padding = attrString(node, 'padding');
        if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`graph-model: ${node.name} has padding ${String(padding)}`);
        const pool = { kernel: spatialAttr(node, 'ksize', [1, 1]), strides: spatialAttr(node, 'strides', [1, 1]), padding } as const;
        const x = tensorOf(node, 0);
        return tensor(node.op === 'MaxPool' ? net.maxPool(node.name, x, pool) : net.avgPool(node.name, x, pool));
      }
      case 'Add':
      case 'AddV2':
      case 'BiasAdd': {
        const a = valueOf(node, 0);
        const b = valueOf(node, 1);
        if (a.kind === 'tensor' && b.kind === 'tensor') return tensor(net.add(node.name, a.tensor, b.tensor));
        if (a.kind === 'tensor' && b.kind === 'const' && b.weight.dtype === 'float32' && b.weight.shape.length === 1) {
          return tensor(net.biasAdd(node.name, a.tensor, b.weight.data));
        }
        throw new Error(`graph-model: ${node.name} (${node.op}) has unsupported operands`);
      }
      case 'Relu':
        return tensor(net.relu(node.name, tensorOf(node, 0)));
      case 'Relu6':
        return tensor(net.relu6(node.name, tensorOf(node, 0)));
      case 'Mean': {
        const axes = constOf(node, 1);
        if (axes.dtype !== 'int32') throw new Error(`graph-model: ${node.name} axes must be int32`);
        return tensor(net.mean(node.name, tensorOf(node, 0), [...axes.data], node.attr?.keep_dims?.b === true));
      }
      case 'Softmax':
        return tensor(net.softmax(node.name, tensorOf(node, 0)));
      case 'Prelu':
        return tensor(net.prelu(node.name, tensorOf(node, 0), floatConst(node, 1)));
      case 'Pad': {
        const paddings = constOf(node, 1);
        if (paddings.dtype !== 'int32' || paddings.shape.length !== 2 || paddings.shape[1] !== 2) throw new Error(`graph-model: ${node.name} paddings must be int32 [rank, 2]`);
        const pairs = Array.from({ length: paddings.shape[0]! }, (_, i) => [paddings.data[2 * i]!, paddings.data[2 * i + 1]!] as const);
        return tensor(net.pad(node.name, tensorOf(node, 0), pairs));
      }
      case 'ConcatV2': {
        const count = Number(node.attr?.N?.i ?? (node.input ?? []).filter((i) => !i.startsWith('^')).length - 1);
        const axis = constOf(node, count);
        if (axis.dtype !== 'int32' || axis.data.length !== 1) throw new Error(`graph-model: ${node.name} axis must be one int32`);
        return tensor(net.concat(node.name, Array.from({ length: count }, (_, i) => tensorOf(node, i)), axis.data[0]!));
      }
      default:
        throw new Error(`graph-model: unsupported op ${node.op} (${node.name})`);
    }
  };

  const visiting = new Set<string>();
  function visit(name: string): Value {
    const done = values.get(name);
    if (done) return done;
    const node = byName.get(name);
    if (!node) throw new Error(`graph-model: unknown node ${name}`);
    if (visiting.has(name)) throw new Error(`graph-model: cycle at ${name}`);
    visiting.add(name);
    const value = translate(node);
    visiting.delete(name);
    values.set(name, value);
    return value;
  }

  const out = visit(findOutput(model, byName));
  if (placeholders !== 1) throw new Error(`graph-model: expected one input, found ${placeholders}`);
  if (out.kind !== 'tensor') throw new Error('graph-model: the output is a constant');
  net.output(options.flattenOutput && out.tensor.shape.length === 4 ? net.flatten(`${options.outputName}_flat`, out.tensor) : out.tensor, options.outputName);
  return net;
}
