import {
  BIGINT, BLOB, BOOLEAN, blobValue, DATE, dateValue, DECIMAL, decimalValue, DOUBLE, DuckDBAppender, DuckDBType, DuckDBValue, FLOAT,
  INTEGER, LIST, listValue, MAP, mapValue, STRUCT, structValue, TIMESTAMP, TIMESTAMPTZ, timestampTZValue, timestampValue, VARCHAR,
} from '@duckdb/node-api';
import { AvroSchema, AvroSchemaObject } from './record-file-writer';

/** An Avro schema (or a part of one) that has no faithful Parquet column type. */
export class UnsupportedSchemaError extends Error {
  constructor(readonly fieldPath: string, readonly avroType: string, reason: string) {
    super(`field ${fieldPath}: Avro type ${avroType} is not supported in Parquet output: ${reason}`);
    this.name = 'UnsupportedSchemaError';
  }
}

export type TimeUnit = 'millis' | 'micros';

/**
 * The DuckDB column type a field is written as; DuckDB's Parquet writer turns it into the Parquet type.
 * TIMESTAMPTZ is an instant (Parquet TIMESTAMP isAdjustedToUTC=true), TIMESTAMP a local date-time
 * (isAdjustedToUTC=false); `unit` is the unit of the Avro value, both are stored as microseconds.
 */
export type ColumnType =
  | { kind: 'INTEGER' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'BLOB' | 'DATE' }
  | { kind: 'TIMESTAMPTZ' | 'TIMESTAMP'; unit: TimeUnit }
  | { kind: 'DECIMAL'; precision: number; scale: number }
  | { kind: 'STRUCT'; fields: Column[] }
  | { kind: 'LIST'; element: ColumnType; elementNullable: boolean }
  | { kind: 'MAP'; value: ColumnType; valueNullable: boolean };

export interface Column {
  name: string;
  /** Where the field is in the Avro schema: `a.b` for record fields, `a[]` for array items, `a{}` for map values. */
  path: string;
  type: ColumnType;
  nullable: boolean;
}

/** The widest decimal DuckDB (and so this writer) stores exactly. */
export const MAX_DECIMAL_PRECISION = 38;

const PRIMITIVES: Record<string, ColumnType['kind'] | null> = {
  null: null, boolean: 'BOOLEAN', int: 'INTEGER', long: 'BIGINT', float: 'FLOAT', double: 'DOUBLE', bytes: 'BLOB', string: 'VARCHAR',
};

/** Named types (record, enum, fixed) by full name; a record maps to null while its own fields are being mapped. */
type NamedTypes = Map<string, ColumnType | null>;

/** The columns of a Parquet file holding records of an Avro record schema, in field order. */
export function parquetColumnsOf(schema: AvroSchema): Column[] {
  const root = mapType(schema, '(root)', '', new Map());
  if (root.type.kind !== 'STRUCT') throw new UnsupportedSchemaError('(root)', describe(schema), 'the top-level schema must be a record');
  if (root.nullable) throw new UnsupportedSchemaError('(root)', describe(schema), 'the top-level schema must not be nullable');
  return root.type.fields;
}

/** The DuckDB SQL spelling of a column type, e.g. `STRUCT("a" INTEGER, "b" VARCHAR[])`. */
export function duckdbTypeSql(type: ColumnType): string {
  switch (type.kind) {
    case 'DECIMAL': return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'STRUCT': return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbTypeSql(f.type)}`).join(', ')})`;
    case 'LIST': return `${duckdbTypeSql(type.element)}[]`;
    case 'MAP': return `MAP(VARCHAR, ${duckdbTypeSql(type.value)})`;
    default: return type.kind;
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function mapType(schema: AvroSchema, path: string, namespace: string, named: NamedTypes): { type: ColumnType; nullable: boolean } {
  if (Array.isArray(schema)) return mapUnion(schema, path, namespace, named);
  if (typeof schema === 'string') {
    if (Object.hasOwn(PRIMITIVES, schema)) {
      const kind = PRIMITIVES[schema];
      if (kind === null) throw new UnsupportedSchemaError(path, 'null', 'a field that is always null has no column type');
      return { type: { kind } as ColumnType, nullable: false };
    }
    return { type: resolveName(schema, path, namespace, named), nullable: false };
  }
  return { type: mapObject(schema, path, namespace, named), nullable: false };
}

function mapUnion(members: AvroSchema[], path: string, namespace: string, named: NamedTypes): { type: ColumnType; nullable: boolean } {
  const nonNull = members.filter((m) => m !== 'null' && !(typeof m === 'object' && !Array.isArray(m) && m.type === 'null'));
  if (nonNull.length !== 1) {
    const reason = nonNull.length === 0 ? 'a union of only null has no column type' : `a union of ${nonNull.length} non-null types; only ["null", T] unions are`;
    throw new UnsupportedSchemaError(path, describe(members), reason);
  }
  if (Array.isArray(nonNull[0])) throw new UnsupportedSchemaError(path, describe(members), 'a union directly inside a union');
  return { type: mapType(nonNull[0], path, namespace, named).type, nullable: nonNull.length < members.length };
}

function mapObject(schema: AvroSchemaObject, path: string, namespace: string, named: NamedTypes): ColumnType {
  const { type } = schema;
  if (typeof type !== 'string') {
    if (Array.isArray(type)) throw new UnsupportedSchemaError(path, describe(schema), 'a union must be written as a JSON array, not as "type"');
    return mapObject(type as AvroSchemaObject, path, namespace, named);
  }
  switch (type) {
    case 'record':
    case 'error':
      return mapRecord(schema, path, namespace, named);
    case 'enum':
      return define(schema, path, namespace, named, { kind: 'VARCHAR' });
    case 'fixed':
      return define(schema, path, namespace, named, decimalOf(schema, path) ?? { kind: 'BLOB' });
    case 'array': {
      const items = requireSchema(schema, 'items', path);
      const element = mapType(items, `${path}[]`, namespace, named);
      return { kind: 'LIST', element: element.type, elementNullable: element.nullable };
    }
    case 'map': {
      const values = requireSchema(schema, 'values', path);
      const value = mapType(values, `${path}{}`, namespace, named);
      return { kind: 'MAP', value: value.type, valueNullable: value.nullable };
    }
    default: {
      const primitive = mapType(type, path, namespace, named).type;
      return withLogicalType(primitive, schema, path) ?? primitive;
    }
  }
}

/** Logical types on primitives; per the Avro spec, one that does not fit its underlying type is ignored. */
function withLogicalType(primitive: ColumnType, schema: AvroSchemaObject, path: string): ColumnType | undefined {
  const logical = schema.logicalType;
  if (primitive.kind === 'BIGINT') {
    if (logical === 'timestamp-millis') return { kind: 'TIMESTAMPTZ', unit: 'millis' };
    if (logical === 'timestamp-micros') return { kind: 'TIMESTAMPTZ', unit: 'micros' };
    if (logical === 'local-timestamp-millis') return { kind: 'TIMESTAMP', unit: 'millis' };
    if (logical === 'local-timestamp-micros') return { kind: 'TIMESTAMP', unit: 'micros' };
  }
  if (primitive.kind === 'INTEGER' && logical === 'date') return { kind: 'DATE' };
  if (primitive.kind === 'BLOB') return decimalOf(schema, path);
  return undefined;
}

/** Decimals are bytes or fixed holding the unscaled value in big-endian two's complement. */
function decimalOf(schema: AvroSchemaObject, path: string): ColumnType | undefined {
  if (schema.logicalType !== 'decimal') return undefined;
  const { precision, scale = 0 } = schema;
  if (!Number.isInteger(precision) || !Number.isInteger(scale) || precision! < 1 || scale < 0 || scale > precision!) return undefined;
  if (precision! > MAX_DECIMAL_PRECISION) {
    throw new UnsupportedSchemaError(path, describe(schema), `decimal precision ${precision} is above ${MAX_DECIMAL_PRECISION}`);
  }
  return { kind: 'DECIMAL', precision: precision!, scale };
}

function mapRecord(schema: AvroSchemaObject, path: string, namespace: string, named: NamedTypes): ColumnType {
  const fullName = fullNameOf(schema, path, namespace);
  if (named.has(fullName)) throw new UnsupportedSchemaError(path, fullName, 'the type name is defined twice');
  named.set(fullName, null);
  const fieldNamespace = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
  if (!Array.isArray(schema.fields)) throw new UnsupportedSchemaError(path, fullName, 'a record without a "fields" array');
  const seen = new Map<string, string>();
  const fields = schema.fields.map((field): Column => {
    const fieldPath = path === '(root)' ? field.name : `${path}.${field.name}`;
    const clash = seen.get(field.name.toLowerCase());
    if (clash !== undefined) {
      throw new UnsupportedSchemaError(fieldPath, fullName, `field names ${clash} and ${field.name} differ only in case, which DuckDB columns cannot`);
    }
    seen.set(field.name.toLowerCase(), field.name);
    return { name: field.name, path: fieldPath, ...mapType(field.type, fieldPath, fieldNamespace, named) };
  });
  if (fields.length === 0) throw new UnsupportedSchemaError(path, fullName, 'a record with no fields has no Parquet group type');
  const type: ColumnType = { kind: 'STRUCT', fields };
  named.set(fullName, type);
  return type;
}

function define(schema: AvroSchemaObject, path: string, namespace: string, named: NamedTypes, type: ColumnType): ColumnType {
  const fullName = fullNameOf(schema, path, namespace);
  if (named.has(fullName)) throw new UnsupportedSchemaError(path, fullName, 'the type name is defined twice');
  named.set(fullName, type);
  return type;
}

function resolveName(name: string, path: string, namespace: string, named: NamedTypes): ColumnType {
  const candidates = name.includes('.') ? [name] : [namespace ? `${namespace}.${name}` : name, name];
  for (const candidate of candidates) {
    if (!named.has(candidate)) continue;
    const type = named.get(candidate);
    if (type === null) throw new UnsupportedSchemaError(path, candidate, 'a recursive record has no finite column type');
    return type!;
  }
  throw new UnsupportedSchemaError(path, name, 'no primitive or earlier-defined named type has this name');
}

function fullNameOf(schema: AvroSchemaObject, path: string, namespace: string): string {
  const { name } = schema;
  if (typeof name !== 'string' || name === '') throw new UnsupportedSchemaError(path, describe(schema), `a ${String(schema.type)} needs a name`);
  if (name.includes('.')) return name;
  const space = typeof schema.namespace === 'string' ? schema.namespace : namespace;
  return space ? `${space}.${name}` : name;
}

function requireSchema(schema: AvroSchemaObject, key: 'items' | 'values', path: string): AvroSchema {
  const inner = schema[key];
  if (inner === undefined) throw new UnsupportedSchemaError(path, describe(schema), `an ${schema.type} without "${key}"`);
  return inner;
}

function describe(schema: AvroSchema): string {
  const text = JSON.stringify(schema);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// Values: avsc's in-memory form of a record, appended to a DuckDB appender column by column.

/** A value that does not fit its field's type. */
export class InvalidValueError extends Error {
  constructor(readonly fieldPath: string, readonly detail: string) {
    super(`field ${fieldPath}: ${detail}`);
    this.name = 'InvalidValueError';
  }
}

/** Appends one field's value. Timestamps and dates are appended as their Avro numbers (see stagingTypeSql). */
export type ColumnAppender = (appender: DuckDBAppender, value: unknown) => void;

export function columnAppender(column: Column): ColumnAppender {
  const append = nonNullAppender(column.type, column.path);
  const { path } = column;
  if (column.nullable) return (appender, value) => (value === null || value === undefined ? appender.appendNull() : append(appender, value));
  return (appender, value) => {
    if (value === null || value === undefined) throw new InvalidValueError(path, `${value} in a field that is not nullable`);
    append(appender, value);
  };
}

/** The column type a field is staged as before close() converts it: numbers for timestamps and dates. */
export function stagingTypeSql(type: ColumnType): string {
  if (type.kind === 'TIMESTAMPTZ' || type.kind === 'TIMESTAMP') return 'BIGINT';
  return type.kind === 'DATE' ? 'INTEGER' : duckdbTypeSql(type);
}

function nonNullAppender(type: ColumnType, path: string): ColumnAppender {
  switch (type.kind) {
    case 'INTEGER':
    case 'DATE':
      return (appender, value) => appender.appendInteger(int32(value, path));
    case 'BIGINT':
      return (appender, value) => appender.appendBigInt(int64(value, path));
    case 'TIMESTAMPTZ':
    case 'TIMESTAMP':
      return (appender, value) => appender.appendBigInt(epochNumber(type.unit, value, path));
    case 'FLOAT':
      return (appender, value) => appender.appendFloat(number(value, path));
    case 'DOUBLE':
      return (appender, value) => appender.appendDouble(number(value, path));
    case 'BOOLEAN':
      return (appender, value) => appender.appendBoolean(boolean(value, path));
    case 'VARCHAR':
      return (appender, value) => appender.appendVarchar(string(value, path));
    case 'BLOB':
      return (appender, value) => appender.appendBlob(bytes(value, path));
    default: {
      const duckdbType = duckdbTypeOf(type);
      return (appender, value) => appender.appendValue(duckdbValue(type, value, path), duckdbType);
    }
  }
}

/** A nested value as DuckDB's value objects: slower than the flat appends, so used only inside decimals, structs, lists and maps. */
function duckdbValue(type: ColumnType, value: unknown, path: string): DuckDBValue {
  switch (type.kind) {
    case 'INTEGER': return int32(value, path);
    case 'BIGINT': return int64(value, path);
    case 'FLOAT':
    case 'DOUBLE': return number(value, path);
    case 'BOOLEAN': return boolean(value, path);
    case 'VARCHAR': return string(value, path);
    case 'BLOB': return blobValue(bytes(value, path));
    case 'DATE': return dateValue(int32(value, path));
    case 'TIMESTAMPTZ': return timestampTZValue(micros(type.unit, value, path));
    case 'TIMESTAMP': return timestampValue(micros(type.unit, value, path));
    case 'DECIMAL': return decimalValue(unscaled(bytes(value, path), type.precision, path), type.precision, type.scale);
    case 'STRUCT': {
      const record = plainObject(value, 'a record', path);
      const entries: Record<string, DuckDBValue> = {};
      for (const field of type.fields) entries[field.name] = nullableValue(field.type, field.nullable, record[field.name], field.path);
      return structValue(entries);
    }
    case 'LIST': {
      if (!Array.isArray(value)) throw mismatch(path, 'an array', value);
      return listValue(value.map((item) => nullableValue(type.element, type.elementNullable, item, `${path}[]`)));
    }
    case 'MAP': {
      const entries = Object.entries(plainObject(value, 'a map (plain object)', path));
      return mapValue(entries.map(([key, item]) => ({ key, value: nullableValue(type.value, type.valueNullable, item, `${path}{}`) })));
    }
  }
}

function nullableValue(type: ColumnType, nullable: boolean, value: unknown, path: string): DuckDBValue {
  if (value !== null && value !== undefined) return duckdbValue(type, value, path);
  if (nullable) return null;
  throw new InvalidValueError(path, `${value} in a field that is not nullable`);
}

function duckdbTypeOf(type: ColumnType): DuckDBType {
  switch (type.kind) {
    case 'INTEGER': return INTEGER;
    case 'BIGINT': return BIGINT;
    case 'FLOAT': return FLOAT;
    case 'DOUBLE': return DOUBLE;
    case 'BOOLEAN': return BOOLEAN;
    case 'VARCHAR': return VARCHAR;
    case 'BLOB': return BLOB;
    case 'DATE': return DATE;
    case 'TIMESTAMPTZ': return TIMESTAMPTZ;
    case 'TIMESTAMP': return TIMESTAMP;
    case 'DECIMAL': return DECIMAL(type.precision, type.scale);
    case 'STRUCT': return STRUCT(Object.fromEntries(type.fields.map((f) => [f.name, duckdbTypeOf(f.type)])));
    case 'LIST': return LIST(duckdbTypeOf(type.element));
    case 'MAP': return MAP(VARCHAR, duckdbTypeOf(type.value));
  }
}

const TWO_POW_63 = 2 ** 63;
/** The largest millisecond count whose microseconds fit in 64 bits. */
const MAX_EPOCH_MILLIS = 9_223_372_036_854_775;

function int32(value: unknown, path: string): number {
  if (typeof value === 'number' && (value | 0) === value) return value;
  throw mismatch(path, 'a 32-bit integer', value);
}

function int64(value: unknown, path: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63) return BigInt(value);
  if (typeof value === 'bigint' && BigInt.asIntN(64, value) === value) return value;
  throw mismatch(path, 'a 64-bit integer', value);
}

function epochNumber(unit: TimeUnit, value: unknown, path: string): bigint {
  const n = int64(value, path);
  if (unit === 'millis' && (n > MAX_EPOCH_MILLIS || n < -MAX_EPOCH_MILLIS)) throw mismatch(path, 'epoch milliseconds within ±2^63 microseconds', value);
  return n;
}

function micros(unit: TimeUnit, value: unknown, path: string): bigint {
  const n = epochNumber(unit, value, path);
  return unit === 'millis' ? n * 1000n : n;
}

function number(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  throw mismatch(path, 'a number', value);
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  throw mismatch(path, 'a boolean', value);
}

function string(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  throw mismatch(path, 'a string', value);
}

function bytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw mismatch(path, 'a Buffer', value);
}

function plainObject(value: unknown, what: string, path: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)) return value as Record<string, unknown>;
  throw mismatch(path, what, value);
}

/** An Avro decimal's unscaled value: big-endian two's complement. */
function unscaled(data: Uint8Array, precision: number, path: string): bigint {
  let n = 0n;
  for (const byte of data) n = (n << 8n) | BigInt(byte);
  if (data.length > 0 && data[0] & 0x80) n -= 1n << BigInt(data.length * 8);
  if ((n < 0n ? -n : n) >= 10n ** BigInt(precision)) throw new InvalidValueError(path, `unscaled decimal ${n} has more than ${precision} digits`);
  return n;
}

function mismatch(path: string, expected: string, value: unknown): InvalidValueError {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)
    : value instanceof Uint8Array ? `${value.length} bytes` : Array.isArray(value) ? 'an array' : String(value);
  return new InvalidValueError(path, `expected ${expected}, got ${typeof value} ${shown}`);
}
