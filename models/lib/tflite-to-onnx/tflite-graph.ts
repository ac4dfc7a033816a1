/**
 * Reads the main subgraph of a TFLite FlatBuffer (`schema.fbs`, identifier `TFL3`) into plain objects:
 * tensors with their constant data (float32, float16 widened to float32, int32) and operators with
 * their builtin options. Only what a converter needs; nothing is written back.
 */
import { FlatReader } from '../../mediapipe-face/flatbuffer-patch.ts';

/** TFLite `BuiltinOperator` codes of the operators this reader decodes options for. */
export const BuiltinOp = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  MAX_POOL_2D: 17,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  RESIZE_BILINEAR: 23,
  PAD: 34,
} as const;

/** TFLite `TensorType` values read here. */
const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2 } as const;

/** TFLite `Padding`. */
export type TflitePadding = 'SAME' | 'VALID';
/** TFLite `ActivationFunctionType`. */
export type Activation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6' | 'TANH';
const ACTIVATIONS: Activation[] = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH'];

/** One tensor of the subgraph. */
export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: 'float32' | 'float16' | 'int32' | `type${number}`;
  /** Constant data (float16 widened), or undefined for activations. */
  data?: Float32Array | Int32Array;
}

/** Decoded builtin options of the operators handled here (absent fields at their schema defaults). */
export interface OperatorOptions {
  padding?: TflitePadding;
  strideW?: number;
  strideH?: number;
  dilationW?: number;
  dilationH?: number;
  depthMultiplier?: number;
  filterW?: number;
  filterH?: number;
  activation?: Activation;
  axis?: number;
  newShape?: number[];
  alignCorners?: boolean;
  halfPixelCenters?: boolean;
}

/** One operator, in execution order. */
export interface TfliteOperator {
  op: number;
  inputs: number[];
  outputs: number[];
  options: OperatorOptions;
}

/** The main subgraph. */
export interface TfliteGraph {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

// Vtable slots, from schema.fbs.
const MODEL = { operatorCodes: 1, subgraphs: 2, buffers: 4 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3 } as const;
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3 } as const;
const BUFFER = { data: 0 } as const;
const OPCODE = { deprecatedBuiltinCode: 0, customCode: 1, builtinCode: 3 } as const;
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, options: 4 } as const;

/** Parses `bytes` (a `.tflite` file); throws unless it is a single-subgraph TFL3 model with inline buffers. */
export function readTfliteGraph(bytes: Uint8Array): TfliteGraph {
  const r = new FlatReader(bytes);
  if (r.bb.getBufferIdentifier() !== 'TFL3') throw new Error('tflite-graph: not a TFL3 FlatBuffer');
  const model = r.root();
  const subgraphs = r.tables(r.ref(model, MODEL.subgraphs));
  if (subgraphs.length !== 1) throw new Error(`tflite-graph: expected 1 subgraph, found ${subgraphs.length}`);
  const subgraph = subgraphs[0]!;
  const buffers = r.tables(r.ref(model, MODEL.buffers));
  const opcodes = r.tables(r.ref(model, MODEL.operatorCodes)).map((oc) => {
    if (r.field(oc, OPCODE.customCode) !== 0) return -1;
    return Math.max(r.scalar(oc, OPCODE.deprecatedBuiltinCode, 'i8'), r.scalar(oc, OPCODE.builtinCode, 'i32'));
  });

  const tensors = r.tables(r.ref(subgraph, SUBGRAPH.tensors)).map((t, index): TfliteTensor => {
    const shape = r.ints(r.ref(t, TENSOR.shape));
    const typeCode = r.scalar(t, TENSOR.type, 'i8');
    const type = typeCode === TensorType.FLOAT32 ? 'float32' : typeCode === TensorType.FLOAT16 ? 'float16' : typeCode === TensorType.INT32 ? 'int32' : (`type${typeCode}` as const);
    const tensor: TfliteTensor = { index, name: r.string(r.ref(t, TENSOR.name)), shape, type };
    const buffer = buffers[r.scalar(t, TENSOR.buffer, 'u32')];
    const vector = buffer === undefined ? 0 : r.ref(buffer, BUFFER.data);
    const byteLength = r.vectorLength(vector);
    if (byteLength > 0) tensor.data = decodeData(bytes, r.vectorData(vector), byteLength, type, tensor.name);
    return tensor;
  });

  const operators = r.tables(r.ref(subgraph, SUBGRAPH.operators)).map((o): TfliteOperator => {
    const op = opcodes[r.scalar(o, OPERATOR.opcodeIndex, 'u32')];
    if (op === undefined || op < 0) throw new Error('tflite-graph: custom operators are not supported');
    const options = r.ref(o, OPERATOR.options);
    return {
      op,
      inputs: r.ints(r.ref(o, OPERATOR.inputs)),
      outputs: r.ints(r.ref(o, OPERATOR.outputs)),
      options: options === 0 ? {} : readOptions(r, op, options),
    };
  });

  return { tensors, operators, inputs: r.ints(r.ref(subgraph, SUBGRAPH.inputs)), outputs: r.ints(r.ref(subgraph, SUBGRAPH.outputs)) };
}

function decodeData(bytes: Uint8Array, start: number, byteLength: number, type: TfliteTensor['type'], name: string): Float32Array | Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, byteLength);
  switch (type) {
    case 'float32':
      return Float32Array.from({ length: byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
    case 'float16':
      return Float32Array.from({ length: byteLength / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
    case 'int32':
      return Int32Array.from({ length: byteLength / 4 }, (_, i) => view.getInt32(4 * i, true));
    default:
      throw new Error(`tflite-graph: constant ${name} has unsupported ${type}`);
  }
}

/** IEEE 754 binary16 → number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function readOptions(r: FlatReader, op: number, t: number): OperatorOptions {
  const padding = (slot: number): TflitePadding => (r.scalar(t, slot, 'i8') === 1 ? 'VALID' : 'SAME');
  const activation = (slot: number): Activation => {
    const code = r.scalar(t, slot, 'i8');
    const a = ACTIVATIONS[code];
    if (!a) throw new Error(`tflite-graph: unsupported fused activation ${code}`);
    return a;
  };
  switch (op) {
    case BuiltinOp.CONV_2D:
      return {
        padding: padding(0),
        strideW: r.scalar(t, 1, 'i32'),
        strideH: r.scalar(t, 2, 'i32'),
        activation: activation(3),
        dilationW: r.scalar(t, 4, 'i32', 1),
        dilationH: r.scalar(t, 5, 'i32', 1),
      };
    case BuiltinOp.DEPTHWISE_CONV_2D:
      return {
        padding: padding(0),
        strideW: r.scalar(t, 1, 'i32'),
        strideH: r.scalar(t, 2, 'i32'),
        depthMultiplier: r.scalar(t, 3, 'i32'),
        activation: activation(4),
        dilationW: r.scalar(t, 5, 'i32', 1),
        dilationH: r.scalar(t, 6, 'i32', 1),
      };
    case BuiltinOp.AVERAGE_POOL_2D:
    case BuiltinOp.MAX_POOL_2D:
      return {
        padding: padding(0),
        strideW: r.scalar(t, 1, 'i32'),
        strideH: r.scalar(t, 2, 'i32'),
        filterW: r.scalar(t, 3, 'i32'),
        filterH: r.scalar(t, 4, 'i32'),
        activation: activation(5),
      };
    case BuiltinOp.CONCATENATION:
      return { axis: r.scalar(t, 0, 'i32'), activation: activation(1) };
    case BuiltinOp.ADD:
      return { activation: activation(0) };
    case BuiltinOp.RESHAPE:
      return { newShape: r.ints(r.ref(t, 0)) };
    case BuiltinOp.RESIZE_BILINEAR:
      return { alignCorners: r.scalar(t, 2, 'bool') === 1, halfPixelCenters: r.scalar(t, 3, 'bool') === 1 };
    default:
      return {};
  }
}
