/**
 * A minimal editor for TFLite FlatBuffer models (`schema.fbs`, identifier `TFL3`): reads tensors
 * and outputs of the main subgraph, and appends buffers, metadata, operator codes, tensors and
 * operators. The result is written with {@link PrefixBuilder}: the original bytes stay untouched
 * behind a prefix holding the new Model root and the tables that changed.
 */
import { type FieldKind, type FieldValue, FlatReader, PrefixBuilder } from './flatbuffer-patch.ts';

/** TFLite `TensorType` values used here. */
export const TensorType = { FLOAT32: 0, INT32: 2 } as const;

// Field kinds per vtable slot, from TFLite schema.fbs.
const MODEL: FieldKind[] = ['u32', 'offset', 'offset', 'offset', 'offset', 'offset', 'offset', 'offset'];
const MODEL_F = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6 } as const;
const SUBGRAPH: FieldKind[] = ['offset', 'offset', 'offset', 'offset', 'offset', 'i32'];
const SUBGRAPH_F = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
const TENSOR_F = { shape: 0, type: 1, buffer: 2, name: 3 } as const;
const BUFFER_F = { data: 0, offset: 1 } as const;
const METADATA_F = { name: 0, buffer: 1 } as const;
const OPCODE_F = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;
const OPERATOR_F = { opcodeIndex: 0, inputs: 1, outputs: 2, optionsType: 3, options: 4 } as const;
/** `deprecated_builtin_code` is an int8; codes above this live only in `builtin_code`. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

/** A tensor of the main subgraph, as read from the model or to be added. */
export interface TensorInfo {
  name: string;
  shape: number[];
  /** A {@link TensorType} value. */
  type: number;
  /** Buffer index; 0 = no constant data. */
  buffer: number;
}

/** An operator to append to the main subgraph. */
export interface NewOperator {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  /** `BuiltinOptions` union type; an empty options table of that type is written. 0 = none. */
  builtinOptionsType: number;
}

/** Reads a TFLite model and collects additions, then writes the edited model. */
export class TfliteEditor {
  private readonly r: FlatReader;
  private readonly model: number;
  private readonly subgraph: number;
  private readonly origBuffers: number[];
  private readonly origOpcodes: number[];
  private readonly origTensors: number[];
  private readonly newBuffers: Uint8Array[] = [];
  private readonly newMetadata: { name: string; buffer: number }[] = [];
  private readonly newOpcodes: { builtinCode: number; version: number }[] = [];
  private readonly newTensors: TensorInfo[] = [];
  private readonly newOperators: NewOperator[] = [];
  private newOutputs: number[] | undefined;

  /** Parses `bytes` (a `.tflite` file); throws unless it is a single-subgraph TFL3 model. */
  constructor(bytes: Uint8Array) {
    this.r = new FlatReader(bytes);
    if (this.r.bb.getBufferIdentifier() !== 'TFL3') throw new Error('tflite-model: not a TFL3 FlatBuffer');
    this.model = this.r.root();
    const subgraphs = this.r.tables(this.r.ref(this.model, MODEL_F.subgraphs));
    if (subgraphs.length !== 1) throw new Error(`tflite-model: expected 1 subgraph, found ${subgraphs.length}`);
    this.subgraph = subgraphs[0]!;
    this.origBuffers = this.r.tables(this.r.ref(this.model, MODEL_F.buffers));
    for (const b of this.origBuffers) {
      // Buffers stored outside the FlatBuffer are addressed from the file start: a prefix would break them.
      if (this.r.field(b, BUFFER_F.offset) !== 0) throw new Error('tflite-model: external buffers are not supported');
    }
    this.origOpcodes = this.r.tables(this.r.ref(this.model, MODEL_F.operatorCodes));
    this.origTensors = this.r.tables(this.r.ref(this.subgraph, SUBGRAPH_F.tensors));
    for (const md of this.r.tables(this.r.ref(this.model, MODEL_F.metadata))) {
      if (this.r.string(this.r.ref(md, METADATA_F.name)) === 'TFLITE_METADATA') {
        throw new Error('tflite-model: model already has TFLITE_METADATA');
      }
    }
  }

  /** The model's description string. */
  description(): string {
    return this.r.string(this.r.ref(this.model, MODEL_F.description));
  }

  /** Tensor `index` of the main subgraph (original or added). */
  tensor(index: number): TensorInfo {
    const orig = this.origTensors[index];
    if (orig === undefined) {
      const added = this.newTensors[index - this.origTensors.length];
      if (!added) throw new Error(`tflite-model: no tensor ${index}`);
      return added;
    }
    return {
      name: this.r.string(this.r.ref(orig, TENSOR_F.name)),
      shape: this.r.ints(this.r.ref(orig, TENSOR_F.shape)),
      type: this.r.scalar(orig, TENSOR_F.type, 'i8'),
      buffer: this.r.scalar(orig, TENSOR_F.buffer, 'u32'),
    };
  }

  /** Indices of the main subgraph's input tensors. */
  inputs(): number[] {
    return this.r.ints(this.r.ref(this.subgraph, SUBGRAPH_F.inputs));
  }

  /** Indices of the main subgraph's output tensors (after {@link setOutputs}, the new ones). */
  outputs(): number[] {
    return this.newOutputs ?? this.r.ints(this.r.ref(this.subgraph, SUBGRAPH_F.outputs));
  }

  /** Appends a buffer holding `data`; returns its index. */
  addBuffer(data: Uint8Array): number {
    this.newBuffers.push(data);
    return this.origBuffers.length + this.newBuffers.length - 1;
  }

  /** Stores `data` in a new buffer referenced from `Model.metadata` under `name`. */
  addMetadata(name: string, data: Uint8Array): void {
    this.newMetadata.push({ name, buffer: this.addBuffer(data) });
  }

  /** Index of the operator code for builtin op `builtinCode`, reusing an existing one (version ≥ 1). */
  opcodeIndex(builtinCode: number, version = 1): number {
    const found = this.origOpcodes.findIndex((oc) => {
      const deprecated = this.r.scalar(oc, OPCODE_F.deprecatedBuiltinCode, 'i8');
      const code = Math.max(deprecated, this.r.scalar(oc, OPCODE_F.builtinCode, 'i32'));
      const custom = this.r.field(oc, OPCODE_F.customCode) !== 0;
      return !custom && code === builtinCode && this.r.scalar(oc, OPCODE_F.version, 'i32', 1) >= version;
    });
    if (found >= 0) return found;
    const added = this.newOpcodes.findIndex((oc) => oc.builtinCode === builtinCode && oc.version >= version);
    if (added >= 0) return this.origOpcodes.length + added;
    this.newOpcodes.push({ builtinCode, version });
    return this.origOpcodes.length + this.newOpcodes.length - 1;
  }

  /** Appends a tensor to the main subgraph; returns its index. */
  addTensor(tensor: TensorInfo): number {
    this.newTensors.push(tensor);
    return this.origTensors.length + this.newTensors.length - 1;
  }

  /** Appends an operator to the main subgraph (after all existing ones, so it runs last). */
  addOperator(op: NewOperator): void {
    this.newOperators.push(op);
  }

  /** Replaces the main subgraph's output tensor list. */
  setOutputs(outputs: number[]): void {
    this.newOutputs = [...outputs];
  }

  /** Writes the edited model: a new prefix (multiple of 64 bytes) followed by the original bytes. */
  serialise(): Uint8Array {
    const r = this.r;
    const p = new PrefixBuilder(r);
    const b = p.builder;
    const off = (value: number): FieldValue => ({ kind: 'offset', value });
    const overrides: Record<number, FieldValue | undefined> = {};

    if (this.newBuffers.length > 0) {
      const added = this.newBuffers.map((data) => {
        const vec = p.byteVector(data, 16);
        return p.table([off(vec)]);
      });
      overrides[MODEL_F.buffers] = off(p.offsetVector([...this.origBuffers.map((t) => p.original(t)), ...added]));
    }

    if (this.newOpcodes.length > 0) {
      const added = this.newOpcodes.map(({ builtinCode, version }) => {
        const fields: FieldValue[] = [];
        fields[OPCODE_F.deprecatedBuiltinCode] = { kind: 'i8', value: Math.min(builtinCode, PLACEHOLDER_FOR_GREATER_OP_CODES) };
        fields[OPCODE_F.version] = { kind: 'i32', value: version };
        fields[OPCODE_F.builtinCode] = { kind: 'i32', value: builtinCode };
        return p.table(fields);
      });
      overrides[MODEL_F.operatorCodes] = off(p.offsetVector([...this.origOpcodes.map((t) => p.original(t)), ...added]));
    }

    if (this.newTensors.length > 0 || this.newOperators.length > 0 || this.newOutputs) {
      const sg: Record<number, FieldValue | undefined> = {};
      if (this.newTensors.length > 0) {
        const added = this.newTensors.map((t) => {
          const name = b.createString(t.name);
          const shape = p.intVector(t.shape);
          const fields: FieldValue[] = [];
          fields[TENSOR_F.shape] = off(shape);
          fields[TENSOR_F.type] = { kind: 'i8', value: t.type };
          fields[TENSOR_F.buffer] = { kind: 'u32', value: t.buffer };
          fields[TENSOR_F.name] = off(name);
          return p.table(fields);
        });
        sg[SUBGRAPH_F.tensors] = off(p.offsetVector([...this.origTensors.map((t) => p.original(t)), ...added]));
      }
      if (this.newOperators.length > 0) {
        const orig = r.tables(r.ref(this.subgraph, SUBGRAPH_F.operators));
        const added = this.newOperators.map((op) => {
          const inputs = p.intVector(op.inputs);
          const outputs = p.intVector(op.outputs);
          const options = op.builtinOptionsType !== 0 ? p.table([]) : 0;
          const fields: FieldValue[] = [];
          fields[OPERATOR_F.opcodeIndex] = { kind: 'u32', value: op.opcodeIndex };
          fields[OPERATOR_F.inputs] = off(inputs);
          fields[OPERATOR_F.outputs] = off(outputs);
          if (options !== 0) {
            fields[OPERATOR_F.optionsType] = { kind: 'u8', value: op.builtinOptionsType };
            fields[OPERATOR_F.options] = off(options);
          }
          return p.table(fields);
        });
        sg[SUBGRAPH_F.operators] = off(p.offsetVector([...orig.map((t) => p.original(t)), ...added]));
      }
      if (this.newOutputs) sg[SUBGRAPH_F.outputs] = off(p.intVector(this.newOutputs));
      const subgraph = p.copyTable(this.subgraph, SUBGRAPH, sg);
      overrides[MODEL_F.subgraphs] = off(p.offsetVector([subgraph]));
    }

    if (this.newMetadata.length > 0) {
      const orig = r.tables(r.ref(this.model, MODEL_F.metadata)).map((t) => p.original(t));
      const added = this.newMetadata.map(({ name, buffer }) => {
        const str = b.createString(name);
        const fields: FieldValue[] = [];
        fields[METADATA_F.name] = off(str);
        fields[METADATA_F.buffer] = { kind: 'u32', value: buffer };
        return p.table(fields);
      });
      overrides[MODEL_F.metadata] = off(p.offsetVector([...orig, ...added]));
    }

    const root = p.copyTable(this.model, MODEL, overrides);
    return p.finish(root, 'TFL3');
  }
}
