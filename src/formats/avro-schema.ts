// Avro schemas for the load job: loading .avsc files, Kafka metadata columns, and turning
// topic values (plain Avro binary or JSON) into the in-memory form avsc writes.
import * as fs from 'node:fs';
import * as avro from 'avsc';
import type { AvroField, AvroSchema, AvroSchemaObject } from './record-file-writer';

export type AvroType = avro.Type;

export interface LoadedSchema {
  file: string;
  schema: AvroSchema;
  type: AvroType;
}

export type MetadataColumn = 'partition' | 'offset' | 'timestamp' | 'key';

export const METADATA_FIELDS: Readonly<Record<MetadataColumn, AvroField>> = {
  partition: { name: '_kafka_partition', type: 'int' },
  offset: { name: '_kafka_offset', type: 'long' },
  timestamp: { name: '_kafka_timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
  key: { name: '_kafka_key', type: ['null', 'string'], default: null },
};

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** A schema that cannot be read or used; `source` is the .avsc file or the schema's name. */
export class SchemaError extends Error {
  constructor(readonly source: string, detail: string, readonly line?: number) {
    super(`${source}: ${detail}`);
    this.name = 'SchemaError';
  }
}

/** Bytes that are not one Avro datum of the expected schema. */
export class AvroDecodeError extends Error {
  constructor(readonly schemaName: string, readonly reason: 'truncated' | 'trailing bytes' | 'invalid', detail: string) {
    super(`Avro datum of ${schemaName}: ${reason}: ${detail}`);
    this.name = 'AvroDecodeError';
  }
}

/** A JSON value that does not fit the schema; `field` is the dotted path to the offending part. */
export class JsonToAvroError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`field ${field}: ${detail}`);
    this.name = 'JsonToAvroError';
  }
}

export function loadAvroSchema(file: string): LoadedSchema {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SchemaError(file, `cannot read: ${(err as Error).message}`);
  }
  let schema: AvroSchema;
  try {
    schema = JSON.parse(text) as AvroSchema;
  } catch (err) {
    const position = jsonErrorPosition(text, (err as Error).message);
    const before = text.slice(0, position).split('\n');
    const line = before.length;
    const column = before[before.length - 1].length + 1;
    const reason = (err as Error).message.replace(/, (\.\.\.)?".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+$/, '');
    throw new SchemaError(file, `invalid JSON at line ${line}, column ${column}: ${reason}`, line);
  }
  return { file, schema, type: createAvroType(schema, file) };
}

type AvscSchema = Parameters<typeof avro.Type.forSchema>[0];

/** avsc's Type for a schema, with exact longs and bounded arrays and maps (see the repairs below). */
export function createAvroType(schema: AvroSchema, source = 'schema'): AvroType {
  try {
    return avro.Type.forSchema(schema as AvscSchema, { typeHook: hardenedTypeHook });
  } catch (err) {
    throw new SchemaError(source, `invalid Avro schema: ${(err as Error).message}`);
  }
}

/** The record schema with the chosen Kafka metadata fields appended, in the order given. */
export function withMetadataColumns(schema: AvroSchema, columns: readonly MetadataColumn[]): AvroSchemaObject {
  if (typeof schema !== 'object' || Array.isArray(schema) || schema.type !== 'record' || !Array.isArray(schema.fields)) {
    throw new SchemaError('schema', `metadata columns need a record schema, not ${JSON.stringify(schema).slice(0, 80)}`);
  }
  const fields = [...schema.fields];
  for (const column of columns) {
    const field = METADATA_FIELDS[column];
    if (fields.some((f) => f.name === field.name)) {
      throw new SchemaError(schema.name ?? 'schema', `already has a field named ${field.name}`);
    }
    fields.push(field);
  }
  return { ...schema, fields };
}

export function validateRecord(type: AvroType, value: unknown): ValidationResult {
  const errors: string[] = [];
  const ok = type.isValid(value, {
    errorHook: (path, bad, badType) => errors.push(`${fieldPath(path)}: expected ${describeType(badType)}, got ${describeValue(bad)}`),
  });
  return ok ? { ok: true } : { ok: false, errors };
}

/** One datum in plain Avro binary encoding. Confluent's framing (magic byte + schema id) is not accepted. */
export function decodeAvroBinary(type: AvroType, bytes: Buffer): unknown {
  const schemaName = type.name ?? type.typeName;
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(bytes, 0);
  } catch (err) {
    throw new AvroDecodeError(schemaName, 'invalid', explainDecodeFailure((err as Error).message));
  }
  if (decoded.offset < 0) {
    throw new AvroDecodeError(schemaName, 'truncated', `the datum needs more than the ${bytes.length} bytes given`);
  }
  if (decoded.offset < bytes.length) {
    throw new AvroDecodeError(schemaName, 'trailing bytes', `the datum ends at byte ${decoded.offset} of ${bytes.length}`);
  }
  return decoded.value;
}

function explainDecodeFailure(message: string): string {
  const union = /invalid union index(?:: (-?\d+))?/.exec(message);
  if (union) return union[1] === undefined ? 'a union branch index does not exist' : `union branch index ${union[1]} does not exist`;
  const symbol = /enum index: (-?\d+)/.exec(message);
  if (symbol) return `enum symbol index ${symbol[1]} does not exist`;
  if (message.includes('precision loss')) return `a long is outside ±${MAX_EXACT_LONG}, the range a JavaScript number holds exactly`;
  return 'the bytes do not match the schema';
}

/**
 * A JSON-parsed topic value in the form avsc writes: bytes and fixed from UTF-8 strings, unions from
 * either the bare value or Avro's JSON encoding ({"string": "x"}), missing fields from their defaults.
 * A value that is already valid is returned as it is (fields the schema lacks are then ignored).
 * A bare value for a union of several non-null branches goes to the first branch it fits; a
 * single-key object whose key names a branch is read as Avro's JSON encoding.
 */
export function jsonToAvro(type: AvroType, value: unknown): unknown {
  return type.isValid(value) ? value : convertJson(type, value, []);
}

function convertJson(type: AvroType, value: unknown, path: string[]): unknown {
  const fail = (): never => {
    throw new JsonToAvroError(fieldPath(path), `expected ${describeType(type)}, got ${describeValue(value)}`);
  };
  switch (type.typeName) {
    case 'bytes':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : fail();
    case 'fixed': {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : fail();
      return bytes.length === (type as avro.types.FixedType).size ? bytes : fail();
    }
    case 'array':
      return Array.isArray(value) ? value.map((item, i) => nested((type as avro.types.ArrayType).itemsType, item, path, String(i))) : fail();
    case 'map': {
      if (!isPlainObject(value)) return fail();
      const values = (type as avro.types.MapType).valuesType as AvroType;
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, nested(values, item, path, key)]));
    }
    case 'record':
    case 'error': {
      if (!isPlainObject(value)) return fail();
      const out: Record<string, unknown> = {};
      for (const field of (type as avro.types.RecordType).fields) {
        const given = Object.hasOwn(value, field.name) ? value[field.name] : undefined;
        const fallback: unknown = given === undefined ? field.defaultValue() : undefined;
        if (given === undefined && fallback === undefined) {
          throw new JsonToAvroError(fieldPath([...path, field.name]), `missing, and the schema gives no default`);
        }
        out[field.name] = given === undefined ? fallback : nested(field.type, given, path, field.name);
      }
      return out;
    }
    case 'union:unwrapped':
    case 'union:wrapped':
      return convertUnion(type as avro.types.UnwrappedUnionType, value, path, fail);
    default:
      if (type.typeName.startsWith('logical:')) {
        throw new JsonToAvroError(fieldPath(path), `logical type ${type.typeName.slice(8)} is not supported for JSON values`);
      }
      return type.isValid(value) ? value : fail();
  }
}

function nested(type: AvroType, value: unknown, path: string[], step: string): unknown {
  path.push(step);
  const converted = convertJson(type, value, path);
  path.pop();
  return converted;
}

function convertUnion(union: avro.types.UnwrappedUnionType, value: unknown, path: string[], fail: () => never): unknown {
  const wrapped = union.typeName === 'union:wrapped';
  const asBranch = (branch: AvroType, converted: unknown) => (wrapped ? { [branch.branchName as string]: converted } : converted);
  const nonNull = union.types.filter((t) => t.typeName !== 'null');
  if (value === null) return nonNull.length < union.types.length ? null : fail();
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const named = keys.length === 1 ? nonNull.find((t) => branchNames(t).includes(keys[0])) : undefined;
    if (named) return asBranch(named, nested(named, value[keys[0]], path, keys[0]));
  }
  const depth = path.length;
  for (const branch of nonNull) {
    try {
      return asBranch(branch, convertJson(branch, value, path));
    } catch (err) {
      path.length = depth;
      const deeper = err instanceof JsonToAvroError && err.field !== fieldPath(path);
      if (!(err instanceof JsonToAvroError) || (deeper && nonNull.length === 1)) throw err;
    }
  }
  return fail();
}

function branchNames(type: AvroType): string[] {
  const full = type.branchName as string;
  const short = full.slice(full.lastIndexOf('.') + 1);
  return short === full ? [full] : [full, short];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function fieldPath(path: readonly string[]): string {
  return path.length === 0 ? '(value)' : path.join('.');
}

function describeType(type: AvroType): string {
  return JSON.stringify(type.name ?? type.schema({ noDeref: true }));
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  if (typeof value === 'bigint') return `${value}n`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Where JSON.parse failed. V8 names the position for most errors but not for "Unexpected token";
 * then the shortest prefix that fails for a reason other than running out of input ends just
 * after the offending character.
 */
function jsonErrorPosition(text: string, message: string): number {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Number(stated[1]);
  if (message.startsWith('Unexpected end of JSON input')) return text.length;
  const failsBeforeItsEnd = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (err) {
      const at = /at position (\d+)/.exec((err as Error).message);
      return at ? Number(at[1]) < length : !(err as Error).message.startsWith('Unexpected end of JSON input');
    }
  };
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (failsBeforeItsEnd(middle)) high = middle;
    else low = middle + 1;
  }
  return high - 1;
}

// Two repairs to avsc 5.7, made through its typeHook so everything else stays avsc's own code.
//
// Longs: avsc computes the zigzag form in float64, exact only down to -2^52 (and up to 2^53 - 2);
// below -2^52 it writes, and reads back, the wrong number without any error. ExactLongType takes
// an exact BigInt path for those values.
//
// Arrays and maps: avsc trusts a block's item count, so a few corrupt bytes claiming 2^31 items
// exhaust the heap. The guarded types treat a count the remaining bytes cannot hold as truncation,
// and a block that does not move forward (negative string lengths) as invalid.
const MAX_EXACT_LONG = 9007199254740990;
const MIN_FLOAT_SAFE_LONG = -(2 ** 52);
const MAX_ZERO_BYTE_ITEMS = 1_000_000;

interface AvscTap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}

interface TypeInternals {
  _read(tap: AvscTap): unknown;
  _write(tap: AvscTap, value: unknown): void;
}

const internals = (type: AvroType) => type as unknown as TypeInternals;
const avscLong = avro.types.LongType.prototype as unknown as TypeInternals;

class ExactLongType extends avro.types.LongType {
  _write(tap: AvscTap, value: unknown): void {
    if (typeof value === 'number' && value < MIN_FLOAT_SAFE_LONG && value >= -MAX_EXACT_LONG && Number.isInteger(value)) {
      let zigzag = -BigInt(value) * 2n - 1n;
      for (; zigzag >= 0x80n; zigzag >>= 7n) tap.buf[tap.pos++] = Number(zigzag & 0x7fn) | 0x80;
      tap.buf[tap.pos++] = Number(zigzag);
    } else {
      avscLong._write.call(this, tap, value);
    }
  }

  _read(tap: AvscTap): unknown {
    const start = tap.pos;
    let value: unknown;
    try {
      value = avscLong._read.call(this, tap);
    } catch {
      value = NaN;
    }
    // Fewer than 8 bytes hold less than 2^49, which avsc's float path decodes exactly.
    if (tap.pos - start < 8 || tap.pos > tap.buf.length) return value;
    let zigzag = 0n;
    for (let i = tap.pos - 1; i >= start; i--) zigzag = (zigzag << 7n) | BigInt(tap.buf[i] & 0x7f);
    const exact = (zigzag >> 1n) ^ -(zigzag & 1n);
    if (exact > BigInt(MAX_EXACT_LONG) || exact < -BigInt(MAX_EXACT_LONG)) throw new Error('potential precision loss');
    return Number(exact);
  }
}

class GuardedArrayType extends avro.types.ArrayType {
  _read(tap: AvscTap): unknown[] {
    const items: unknown[] = [];
    readBlocks(tap, this.itemsType, () => items.push(internals(this.itemsType)._read(tap)));
    return items;
  }
}

class GuardedMapType extends avro.types.MapType {
  _read(tap: AvscTap): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    readBlocks(tap, this.valuesType as AvroType, () => {
      const key = tap.readString();
      values[key] = internals(this.valuesType as AvroType)._read(tap);
    }, 1);
    return values;
  }
}

const MIN_ENCODED_BYTES = new WeakMap<AvroType, number>();

function readBlocks(tap: AvscTap, itemType: AvroType, readItem: () => void, keyBytes = 0): void {
  let minItemBytes = MIN_ENCODED_BYTES.get(itemType);
  if (minItemBytes === undefined) MIN_ENCODED_BYTES.set(itemType, (minItemBytes = minEncodedBytes(itemType)));
  const itemBytes = keyBytes + minItemBytes;
  for (;;) {
    const blockStart = tap.pos;
    let count = tap.readLong();
    if (count === 0 || tap.pos > tap.buf.length) return;
    if (count < 0) {
      count = -count;
      tap.skipLong();
    }
    const room = tap.buf.length - tap.pos;
    if (count > (itemBytes > 0 ? room / itemBytes : MAX_ZERO_BYTE_ITEMS)) {
      tap.pos = tap.buf.length + 1; // what decode() reports as truncated
      return;
    }
    for (let i = 0; i < count; i++) readItem();
    if (tap.pos <= blockStart) throw new Error('an array or map block ends before it starts');
  }
}

function minEncodedBytes(type: AvroType, seen = new Set<AvroType>()): number {
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return (type as avro.types.FixedType).size;
    case 'record':
    case 'error': {
      if (seen.has(type)) return 0;
      seen.add(type);
      return (type as avro.types.RecordType).fields.reduce((sum, field) => sum + minEncodedBytes(field.type, seen), 0);
    }
    default:
      return 1;
  }
}

const EXACT_LONG = new ExactLongType();

function hardenedTypeHook(schema: unknown, opts: unknown): AvroType | undefined {
  if (schema === 'long') return EXACT_LONG;
  if (!isPlainObject(schema)) return undefined;
  if (schema.type === 'long') return EXACT_LONG;
  if (schema.type === 'array') return new GuardedArrayType(schema as AvscSchema, opts);
  if (schema.type === 'map') return new GuardedMapType(schema as AvscSchema, opts);
  return undefined;
}
