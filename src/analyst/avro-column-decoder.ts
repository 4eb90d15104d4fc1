// A decoder compiled from a file's writer schema that reads Avro binary records straight into column buffers
// (avro-decoded-scan.ts hands them to DuckDB a chunk at a time): the wanted top-level fields of flat types are
// read, every other field is skipped by its lengths alone, without making strings or objects. Anything else
// (nested or decimal columns, enums read, writer schemas that differ from the table's) has no plan: those files
// take avsc's resolving decoder (table-views.ts).
import type { Column } from '../formats/avro-to-parquet';
import type { AvroSchema } from '../formats/record-file-writer';

/** Where the plan gave up on a record: the caller re-reads the file with avsc, which names the fault exactly. */
export class ColumnDecodeFault extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ColumnDecodeFault';
  }
}

export type FlatKind = 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string' | 'bytes';

/** One wanted column: its Avro primitive, whether its field is a [null, X] union (and null's branch), and its index. */
export interface ColumnRead {
  column: number;
  kind: FlatKind;
  nullBranch: 0 | 1 | null;
  /** Timestamps in milliseconds must stay within ±2^63 microseconds, as the appender checks. */
  millis: boolean;
}

/** Per writer field in order: read into a column, or skip. */
export type FieldStep = { read: ColumnRead } | { skip: Skipper };

/** Advances past one value; returns the new position. */
type Skipper = (data: Buffer, pos: number) => number;

const STAGED_KIND: Record<string, FlatKind> = {
  INTEGER: 'int', DATE: 'int', BIGINT: 'long', TIMESTAMPTZ: 'long', TIMESTAMP: 'long', FLOAT: 'float', DOUBLE: 'double', BOOLEAN: 'boolean', VARCHAR: 'string', BLOB: 'bytes',
};

const PRIMITIVE_SKIP: Record<string, Skipper> = {
  null: (_d, pos) => pos,
  boolean: (_d, pos) => pos + 1,
  int: skipVarint,
  long: skipVarint,
  float: (_d, pos) => pos + 4,
  double: (_d, pos) => pos + 8,
  bytes: skipSized,
  string: skipSized,
};

/**
 * The steps that read `columns` (the table's read columns, in the staging table's order) from records written
 * with `writerSchema`, or null when some column is not a flat field of the matching Avro primitive.
 */
export function planColumnReads(writerSchema: AvroSchema, columns: readonly Column[]): FieldStep[] | null {
  if (typeof writerSchema !== 'object' || Array.isArray(writerSchema) || writerSchema.type !== 'record' || !Array.isArray(writerSchema.fields)) return null;
  const named = new Map<string, Skipper>();
  const wanted = new Map(columns.map((c, i) => [c.name, i]));
  const steps: FieldStep[] = [];
  const found = new Set<string>();
  try {
    for (const field of writerSchema.fields) {
      const index = wanted.get(field.name);
      if (index === undefined) {
        steps.push({ skip: skipperOf(field.type as AvroSchema, namespaceOf(writerSchema), named) });
        continue;
      }
      const read = flatRead(field.type as AvroSchema, columns[index], index);
      if (read === null) return null;
      found.add(field.name);
      steps.push({ read });
    }
  } catch {
    return null;
  }
  return found.size === columns.length ? steps : null;
}

function flatRead(schema: AvroSchema, column: Column, index: number): ColumnRead | null {
  const kind = STAGED_KIND[column.type.kind];
  if (kind === undefined) return null;
  const millis = column.type.kind.startsWith('TIMESTAMP') && 'unit' in column.type && column.type.unit === 'millis';
  if (Array.isArray(schema)) {
    if (schema.length !== 2 || !column.nullable) return null;
    const nullAt = schema.findIndex((b) => primitiveName(b as AvroSchema) === 'null');
    if (nullAt < 0 || primitiveName(schema[1 - nullAt] as AvroSchema) !== kind) return null;
    return { column: index, kind, nullBranch: nullAt as 0 | 1, millis };
  }
  return primitiveName(schema) === kind ? { column: index, kind, nullBranch: null, millis } : null;
}

/** The Avro primitive a schema is (logical types are their underlying primitive), or undefined. */
function primitiveName(schema: AvroSchema): string | undefined {
  if (typeof schema === 'string') return schema;
  if (typeof schema === 'object' && !Array.isArray(schema) && typeof schema.type === 'string' && Object.hasOwn(PRIMITIVE_SKIP, schema.type)) {
    // A decimal over bytes is a DECIMAL column, never planned; other logical types keep their primitive's encoding.
    return schema.type;
  }
  return undefined;
}

function namespaceOf(schema: { namespace?: unknown; name?: unknown }, outer = ''): string {
  if (typeof schema.name === 'string' && schema.name.includes('.')) return schema.name.slice(0, schema.name.lastIndexOf('.'));
  return typeof schema.namespace === 'string' ? schema.namespace : outer;
}

function fullName(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function skipperOf(schema: AvroSchema, namespace: string, named: Map<string, Skipper>): Skipper {
  if (typeof schema === 'string') {
    const primitive = PRIMITIVE_SKIP[schema];
    if (primitive) return primitive;
    const known = named.get(fullName(schema, namespace)) ?? named.get(schema);
    if (!known) throw new ColumnDecodeFault(`unknown type ${schema}`);
    return known;
  }
  if (Array.isArray(schema)) {
    const branches = schema.map((b) => skipperOf(b as AvroSchema, namespace, named));
    return (data, pos) => {
      const branch = branches[zigzagAt(data, pos)];
      if (!branch) throw new ColumnDecodeFault('union branch index does not exist');
      return branch(data, varintEnd);
    };
  }
  const type = schema.type as string;
  if (Object.hasOwn(PRIMITIVE_SKIP, type)) return PRIMITIVE_SKIP[type];
  const own = typeof schema.name === 'string' ? fullName(schema.name, namespace) : undefined;
  switch (type) {
    case 'record':
    case 'error': {
      const inner = namespaceOf(schema as { namespace?: unknown; name?: unknown }, namespace);
      const fields: Skipper[] = [];
      const skip: Skipper = (data, pos) => {
        for (const f of fields) pos = f(data, pos);
        return pos;
      };
      if (own) named.set(own, skip);
      for (const field of (schema.fields ?? []) as { type: AvroSchema }[]) fields.push(skipperOf(field.type, inner, named));
      return skip;
    }
    case 'enum': {
      const skip: Skipper = skipVarint;
      if (own) named.set(own, skip);
      return skip;
    }
    case 'fixed': {
      const size = Number(schema.size);
      const skip: Skipper = (_d, pos) => pos + size;
      if (own) named.set(own, skip);
      return skip;
    }
    case 'array':
      return blockSkipper(skipperOf(schema.items as AvroSchema, namespace, named), null);
    case 'map':
      return blockSkipper(skipperOf(schema.values as AvroSchema, namespace, named), skipSized);
    default:
      throw new ColumnDecodeFault(`unknown type ${type}`);
  }
}

/** Arrays and maps: blocks of items, a negative count followed by the block's byte size (which lets it be jumped). */
function blockSkipper(item: Skipper, key: Skipper | null): Skipper {
  return (data, pos) => {
    for (;;) {
      let count = zigzagAt(data, pos);
      pos = varintEnd;
      if (count === 0) return pos;
      if (count < 0) {
        const size = zigzagAt(data, pos);
        pos = varintEnd + size;
        count = 0;
      }
      for (let i = 0; i < count; i++) {
        if (key) pos = key(data, pos);
        pos = item(data, pos);
      }
      if (pos > data.length) throw new ColumnDecodeFault('truncated');
    }
  };
}

function skipVarint(data: Buffer, pos: number): number {
  for (let i = 0; i < 10; i++) if ((data[pos++] & 0x80) === 0) return pos;
  throw new ColumnDecodeFault('a varint runs past 10 bytes');
}

function skipSized(data: Buffer, pos: number): number {
  const length = zigzagAt(data, pos);
  if (length < 0) throw new ColumnDecodeFault('negative length');
  return varintEnd + length;
}

/** Where the last zigzagAt ended (a module variable: the hot loop makes no objects). */
export let varintEnd = 0;

const TWO_POW_48 = 2 ** 48;

/**
 * A zigzag varint, exact over ±2^53 (the first 7 bytes' 49 bits summed apart from the rest (in units of 2^49), so the unsigned form
 * past 2^53 never rounds); longer ones are refused (avsc refuses them too, naming the record).
 */
export function zigzagAt(data: Buffer, pos: number): number {
  let byte = data[pos++];
  if (byte < 0x80) {
    varintEnd = pos;
    return byte & 1 ? -((byte + 1) / 2) : byte / 2;
  }
  let low = byte & 0x7f;
  let high = 0;
  let scale = 128;
  for (let i = 1; i < 9; i++) {
    byte = data[pos++];
    if (byte === undefined) throw new ColumnDecodeFault('truncated');
    if (i < 7) low += (byte & 0x7f) * scale;
    else high += (byte & 0x7f) * (i === 7 ? 1 : 128);
    if (byte < 0x80) {
      const half = Math.floor(low / 2) + high * TWO_POW_48;
      if (half > Number.MAX_SAFE_INTEGER) break;
      varintEnd = pos;
      return low % 2 === 1 ? -(half + 1) : half;
    }
    scale *= 128;
  }
  throw new ColumnDecodeFault('a long outside ±2^53');
}
