/**
 * A minimal ONNX graph builder and a deterministic ModelProto serialiser on top of the
 * `onnx-proto` package (protobufjs 6 static code). The output depends only on the calls made:
 * no timestamps, no paths, tensors stored little-endian in `raw_data`, fields in schema order.
 */
import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as { onnx: typeof OnnxNamespace };

/** ONNX opset this converter targets. */
export const OPSET = 17;
/** ONNX IR version written into the model. */
export const IR_VERSION = 8;

/** A typed node attribute. */
export type OnnxAttribute =
  | { type: 'int'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'float'; value: number }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'string'; value: string };

/** Attribute helpers: `{ kernel_shape: ints([3, 3]), group: int(32) }`. */
export const int = (value: number): OnnxAttribute => ({ type: 'int', value });
export const ints = (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value });
export const float = (value: number): OnnxAttribute => ({ type: 'float', value });
export const floats = (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value });
export const string = (value: string): OnnxAttribute => ({ type: 'string', value });

/** A dimension: a fixed size or a named dynamic one. */
export type Dim = number | string;

/** Element types used here. */
export type ElemType = 'float32' | 'int64';

const ELEM: Record<ElemType, number> = { float32: 1, int64: 7 };

/** Builds one ONNX graph: nodes in insertion order, initializers, inputs and outputs. */
export class OnnxGraph {
  readonly nodes: OnnxNamespace.INodeProto[] = [];
  readonly initializers: OnnxNamespace.ITensorProto[] = [];
  readonly inputs: OnnxNamespace.IValueInfoProto[] = [];
  readonly outputs: OnnxNamespace.IValueInfoProto[] = [];
  private readonly names = new Set<string>();

  /** @param name - graph name */
  constructor(readonly name: string) {}

  /** Returns `base`, or `base_2`, `base_3`… if already taken, and reserves it. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /**
   * Adds a constant tensor.
   *
   * @param base - name (made unique)
   * @param dims - shape
   * @param data - float32 values, or int64 values as numbers / BigInt64Array
   * @returns the initializer's name
   */
  addInitializer(base: string, dims: readonly number[], data: Float32Array | BigInt64Array | readonly number[], type: ElemType = 'float32'): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`onnx-writer: ${base} has ${data.length} values for dims [${dims.join(',')}]`);
    const name = this.uniqueName(base);
    const raw = new Uint8Array(count * (type === 'float32' ? 4 : 8));
    const view = new DataView(raw.buffer);
    for (let i = 0; i < count; i++) {
      const v = data[i]!;
      if (type === 'float32') view.setFloat32(4 * i, Number(v), true);
      else view.setBigInt64(8 * i, BigInt(v), true);
    }
    this.initializers.push({ dims: [...dims], dataType: ELEM[type], name, rawData: raw });
    return name;
  }

  /**
   * Adds a node.
   *
   * @param opType - ONNX operator
   * @param inputs - input tensor names ('' for an omitted optional input)
   * @param output - base name of the (single) output, made unique
   * @param attributes - typed attributes, written in key order as given
   * @returns the output tensor name
   */
  addNode(opType: string, inputs: readonly string[], output: string, attributes: Record<string, OnnxAttribute> = {}): string {
    const out = this.uniqueName(output);
    const attribute = Object.entries(attributes).map(([name, a]) => toAttribute(name, a));
    this.nodes.push({ input: [...inputs], output: [out], name: out, opType, attribute });
    return out;
  }

  /** Declares a graph input. */
  addInput(name: string, type: ElemType, shape: readonly Dim[]): string {
    if (this.names.has(name)) throw new Error(`onnx-writer: input name ${name} is taken`);
    this.names.add(name);
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  /**
   * Declares a graph output. If `tensor` differs from `name`, the node producing `tensor` is
   * renamed to produce `name` (and its consumers follow), so no Identity node is needed.
   */
  addOutput(tensor: string, name: string, type: ElemType, shape: readonly Dim[]): string {
    if (tensor !== name) {
      if (this.names.has(name)) throw new Error(`onnx-writer: output name ${name} is taken`);
      const producer = this.nodes.find((n) => n.output?.includes(tensor));
      if (!producer) throw new Error(`onnx-writer: no node produces ${tensor}`);
      for (const node of this.nodes) {
        node.input = node.input?.map((i) => (i === tensor ? name : i)) ?? null;
        node.output = node.output?.map((o) => (o === tensor ? name : o)) ?? null;
        if (node.name === tensor) node.name = name;
      }
      this.names.delete(tensor);
      this.names.add(name);
    }
    this.outputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** The GraphProto. */
  toProto(docString?: string): OnnxNamespace.IGraphProto {
    return {
      node: this.nodes,
      name: this.name,
      initializer: this.initializers,
      ...(docString ? { docString } : {}),
      input: this.inputs,
      output: this.outputs,
    };
  }
}

function toAttribute(name: string, a: OnnxAttribute): OnnxNamespace.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function valueInfo(name: string, type: ElemType, shape: readonly Dim[]): OnnxNamespace.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Model-level metadata. */
export interface ModelInfo {
  producerName: string;
  producerVersion: string;
  docString?: string;
  /** Written as `metadata_props`, in the given order. */
  metadata?: [string, string][];
}

/**
 * Serialises a graph to ONNX ModelProto bytes (opset {@link OPSET}, IR {@link IR_VERSION}).
 * The result is a pure function of the graph and `info`.
 *
 * @param graph - the built graph
 * @param info - producer and metadata
 */
export function serializeModel(graph: OnnxGraph, info: ModelInfo): Uint8Array {
  const model: OnnxNamespace.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: info.producerName,
    producerVersion: info.producerVersion,
    ...(info.docString ? { docString: info.docString } : {}),
    graph: graph.toProto(),
    metadataProps: (info.metadata ?? []).map(([key, value]) => ({ key, value })),
  };
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`onnx-writer: invalid ModelProto: ${err}`);
  return onnx.ModelProto.encode(model).finish();
}
