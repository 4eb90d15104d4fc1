import {
  BIGINT, BLOB, BOOLEAN, blobValue, DATE, dateValue, DECIMAL, decimalValue, DOUBLE, DuckDBAppender, DuckDBType, DuckDBValue, FLOAT,
  INTEGER, LIST, listValue, MAP, mapValue, STRUCT, structValue, TIMESTAMP, TIMESTAMPTZ, timestampTZValue, timestampValue, VARCHAR,
} from '@duckdb/node-api';
import { Column, ColumnType, duckdbTypeSql, TimeUnit } from './avro-to-parquet';
import { InvalidValueError } from './parquet-errors';

export { InvalidValueError } from './parquet-errors';

// Values: avsc's in-memory form of a record, appended to a DuckDB appender column by column.


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
