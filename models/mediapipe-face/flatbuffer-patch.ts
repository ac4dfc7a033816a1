/**
 * Editing a FlatBuffer without re-serialising it: new tables are written into a prefix placed in
 * front of the untouched original bytes. FlatBuffer offsets (uoffset) always point forward, so
 * tables in the prefix can reference anything in the original, and the new root table simply
 * replaces the old one. The prefix length is a multiple of {@link PREFIX_ALIGN}, so every
 * original byte keeps its alignment.
 */
import { Builder, ByteBuffer } from 'flatbuffers';

/** Alignment (bytes) of the prefix length, so the original buffers keep their alignment. */
export const PREFIX_ALIGN = 64;

/** Scalar kinds a table field can have; `offset` is a reference to a table, vector or string. */
export type FieldKind = 'offset' | 'bool' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64' | 'f64';

/** Read-only view of the original FlatBuffer: absolute positions of tables, vectors and fields. */
export class FlatReader {
  readonly bb: ByteBuffer;

  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
  }

  /** Position of the root table. */
  root(): number {
    return this.bb.readUint32(0);
  }

  /** Number of field slots in the vtable of the table at `table`. */
  slotCount(table: number): number {
    const vtable = table - this.bb.readInt32(table);
    return (this.bb.readUint16(vtable) - 4) / 2;
  }

  /** Absolute position of field `slot` of the table at `table`, or 0 when the field is absent. */
  field(table: number, slot: number): number {
    const rel = this.bb.__offset(table, 4 + 2 * slot);
    return rel === 0 ? 0 : table + rel;
  }

  /** Position of the table/vector/string referenced by offset field `slot`, or 0 when absent. */
  ref(table: number, slot: number): number {
    const pos = this.field(table, slot);
    return pos === 0 ? 0 : this.bb.__indirect(pos);
  }

  /** Reads a scalar field (its default when absent). */
  scalar(table: number, slot: number, kind: Exclude<FieldKind, 'offset' | 'i64' | 'u64'>, dflt = 0): number {
    const pos = this.field(table, slot);
    return pos === 0 ? dflt : readScalar(this.bb, pos, kind);
  }

  /** Length of the vector at `vector` (a position returned by {@link ref}). */
  vectorLength(vector: number): number {
    return vector === 0 ? 0 : this.bb.readUint32(vector);
  }

  /** Position of the first element of the vector at `vector`. */
  vectorData(vector: number): number {
    return vector + 4;
  }

  /** Positions of the tables referenced by the vector of offsets at `vector`. */
  tables(vector: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.vectorLength(vector); i++) out.push(this.bb.__indirect(vector + 4 + 4 * i));
    return out;
  }

  /** Elements of a vector of int32. */
  ints(vector: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.vectorLength(vector); i++) out.push(this.bb.readInt32(vector + 4 + 4 * i));
    return out;
  }

  /** String at position `str` (a position returned by {@link ref}), or '' when 0. */
  string(str: number): string {
    if (str === 0) return '';
    const len = this.bb.readUint32(str);
    return new TextDecoder().decode(this.bytes.subarray(str + 4, str + 4 + len));
  }
}

function readScalar(bb: ByteBuffer, pos: number, kind: Exclude<FieldKind, 'offset' | 'i64' | 'u64'>): number {
  switch (kind) {
    case 'bool':
    case 'u8':
      return bb.readUint8(pos);
    case 'i8':
      return bb.readInt8(pos);
    case 'i16':
      return bb.readInt16(pos);
    case 'u16':
      return bb.readUint16(pos);
    case 'i32':
      return bb.readInt32(pos);
    case 'u32':
      return bb.readUint32(pos);
    case 'f32':
      return bb.readFloat32(pos);
    case 'f64':
      return bb.readFloat64(pos);
  }
}

/** A new value for one field of a copied table: an offset (from {@link PrefixBuilder}) or a scalar. */
export type FieldValue = { kind: FieldKind; value: number | bigint };

/**
 * Builds the prefix. Offsets returned by {@link PrefixBuilder.original} stand for objects of the
 * original buffer and can be used wherever the flatbuffers `Builder` expects an offset: the
 * builder measures offsets from the end of its buffer, and the original bytes follow that end.
 */
export class PrefixBuilder {
  readonly builder = new Builder(1024);

  constructor(readonly reader: FlatReader) {}

  /** Builder offset standing for the original object at absolute position `pos`. */
  original(pos: number): number {
    if (pos <= 0 || pos >= this.reader.bytes.byteLength) throw new Error(`flatbuffer-patch: bad position ${pos}`);
    return -pos;
  }

  /** Writes a vector of offsets (tables or strings), in order. */
  offsetVector(offsets: number[]): number {
    this.builder.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) this.builder.addOffset(offsets[i]!);
    return this.builder.endVector();
  }

  /** Writes a vector of int32. */
  intVector(values: number[]): number {
    this.builder.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) this.builder.addInt32(values[i]!);
    return this.builder.endVector();
  }

  /** Writes a vector of bytes whose first element is aligned to `alignment`. */
  byteVector(bytes: Uint8Array, alignment = 16): number {
    this.builder.startVector(1, bytes.byteLength, alignment);
    for (let i = bytes.byteLength - 1; i >= 0; i--) this.builder.addInt8(bytes[i]!);
    return this.builder.endVector();
  }

  /**
   * Writes a table. `fields[slot]` gives the value of each present field (undefined = absent).
   * Offsets must have been written before (FlatBuffers builds bottom-up).
   */
  table(fields: (FieldValue | undefined)[]): number {
    const b = this.builder;
    b.startObject(fields.length);
    // Largest scalars first keeps padding small; order does not change meaning.
    const order = fields
      .map((f, slot) => ({ f, slot }))
      .filter((x): x is { f: FieldValue; slot: number } => x.f !== undefined)
      .sort((a, b2) => sizeOf(b2.f.kind) - sizeOf(a.f.kind) || a.slot - b2.slot);
    for (const { f, slot } of order) writeField(b, slot, f);
    return b.endObject();
  }

  /**
   * Copies the table at `pos` of the original into the prefix, field by field: offset fields keep
   * pointing at the original objects, scalars are copied, and `overrides` replace given slots.
   * `schema[slot]` must name the kind of every field the table has; unknown fields throw, so a
   * schema change never silently drops data.
   */
  copyTable(pos: number, schema: FieldKind[], overrides: Record<number, FieldValue | undefined> = {}): number {
    const r = this.reader;
    const slots = Math.max(r.slotCount(pos), schema.length);
    const fields: (FieldValue | undefined)[] = [];
    for (let slot = 0; slot < slots; slot++) {
      if (slot in overrides) {
        fields[slot] = overrides[slot];
        continue;
      }
      const at = r.field(pos, slot);
      if (at === 0) continue;
      const kind = schema[slot];
      if (kind === undefined) throw new Error(`flatbuffer-patch: table at ${pos} has field ${slot} not in the schema`);
      if (kind === 'offset') fields[slot] = { kind, value: this.original(r.bb.__indirect(at)) };
      else if (kind === 'i64') fields[slot] = { kind, value: r.bb.readInt64(at) };
      else if (kind === 'u64') fields[slot] = { kind, value: r.bb.readUint64(at) };
      else fields[slot] = { kind, value: readScalar(r.bb, at, kind) };
    }
    // Trailing absent slots would only lengthen the vtable.
    while (fields.length > 0 && fields[fields.length - 1] === undefined) fields.pop();
    return this.table(fields);
  }

  /**
   * Finishes with `root` as the new root table and returns prefix + original bytes. The prefix
   * length is a multiple of {@link PREFIX_ALIGN}.
   */
  finish(root: number, identifier: string): Uint8Array {
    const b = this.builder;
    b.prep(PREFIX_ALIGN, 0);
    b.finish(root, identifier);
    const prefix = b.asUint8Array();
    if (prefix.byteLength % PREFIX_ALIGN !== 0) throw new Error('flatbuffer-patch: prefix not aligned');
    const out = new Uint8Array(prefix.byteLength + this.reader.bytes.byteLength);
    out.set(prefix, 0);
    out.set(this.reader.bytes, prefix.byteLength);
    return out;
  }
}

function sizeOf(kind: FieldKind): number {
  switch (kind) {
    case 'bool':
    case 'i8':
    case 'u8':
      return 1;
    case 'i16':
    case 'u16':
      return 2;
    case 'i64':
    case 'u64':
    case 'f64':
      return 8;
    default:
      return 4;
  }
}

function writeField(b: Builder, slot: number, f: FieldValue): void {
  const v = f.value;
  const num = typeof v === 'bigint' ? Number(v) : v;
  const big = typeof v === 'bigint' ? v : BigInt(v);
  // Defaults are passed as NaN/impossible values so every given field is written explicitly.
  switch (f.kind) {
    case 'offset':
      b.addFieldOffset(slot, num, 0);
      return;
    case 'bool':
    case 'i8':
    case 'u8':
      b.addFieldInt8(slot, num, num + 1);
      return;
    case 'i16':
    case 'u16':
      b.addFieldInt16(slot, num, num + 1);
      return;
    case 'i32':
    case 'u32':
      b.addFieldInt32(slot, num, num + 1);
      return;
    case 'f32':
      b.addFieldFloat32(slot, num, Number.NaN);
      return;
    case 'f64':
      b.addFieldFloat64(slot, num, Number.NaN);
      return;
    case 'i64':
    case 'u64':
      b.addFieldInt64(slot, big, big + 1n);
      return;
  }
}
