// Avro schemas for the load job: loading .avsc files, Kafka metadata columns, and turning
// topic values (plain Avro binary or JSON) into the in-memory form avsc writes.
import * as fs from 'node:fs';
import * as avro from 'avsc';
import type { AvroField, AvroSchema, AvroSchemaObject } from './record-file-writer';
import { AvscSchema, hardenedTypeHook, isPlainObject, MAX_EXACT_LONG } from './avsc-hardening';

export type AvroType = avro.Type;

export interface LoadedSchema {
  file: string;
  schema: AvroSchema;
  type: AvroType;
}

export type MetadataColumn = 'partition' | 'offset' | 'timestamp' | 'key' | 'topic';

export const METADATA_FIELDS: Readonly<Record<MetadataColumn, AvroField>> = {
  partition: { name: '_kafka_partition', type: 'int' },
  offset: { name: '_kafka_offset', type: 'long' },
  timestamp: { name: '_kafka_timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
  key: { name: '_kafka_key', type: ['null', 'string'], default: null },
  topic: { name: '_kafka_topic', type: 'string' },
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
    // One per bad JSON record (and per union branch tried), caught by the decoder: a stack would only cost time.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`field ${field}: ${detail}`);
    Error.stackTraceLimit = stackTraceLimit;
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

/** avsc's Type for a schema, with exact longs and bounded arrays and maps (see the repairs below). */
export function createAvroType(schema: AvroSchema, source = 'schema'): AvroType {
  try {
    return avro.Type.forSchema(schema as AvscSchema, { typeHook: hardenedTypeHook });
  } catch (err) {
    throw new SchemaError(source, `invalid Avro schema: ${(err as Error).message}`);
  }
}

/** `_kafka_key` holding a decoded key: its reader schema, nullable (a record without a key has null). */
export function decodedKeyField(keySchema: AvroSchema): AvroField {
  const branches = (Array.isArray(keySchema) ? keySchema : [keySchema]).filter((b) => b !== 'null' && !(isPlainObject(b) && b.type === 'null'));
  return { name: METADATA_FIELDS.key.name, type: ['null', ...branches], default: null };
}

/**
 * The record schema with the chosen Kafka metadata fields appended, in the order given; with `keySchema`,
 * `_kafka_key` is that schema (made nullable) instead of a string.
 */
export function withMetadataColumns(schema: AvroSchema, columns: readonly MetadataColumn[], keySchema: AvroSchema | null = null): AvroSchemaObject {
  if (typeof schema !== 'object' || Array.isArray(schema) || schema.type !== 'record' || !Array.isArray(schema.fields)) {
    throw new SchemaError('schema', `metadata columns need a record schema, not ${JSON.stringify(schema).slice(0, 80)}`);
  }
  const fields = [...schema.fields];
  for (const column of columns) {
    const field = column === 'key' && keySchema !== null ? decodedKeyField(keySchema) : METADATA_FIELDS[column];
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

/**
 * One datum in Avro binary encoding from `start` to the end of `bytes`; with a resolver, written with the
 * resolver's writer schema and read as `type` (Confluent framing is read by src/pipeline/confluent-framing.ts).
 */
export function decodeAvroBinary(type: AvroType, bytes: Buffer, start = 0, resolver?: avro.Resolver): unknown {
  const schemaName = type.name ?? type.typeName;
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(bytes, start, resolver);
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
  const utf8 = /invalid UTF-8 at byte (\d+)/.exec(message);
  if (utf8) return `a string holds invalid UTF-8 at byte ${utf8[1]}`;
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
