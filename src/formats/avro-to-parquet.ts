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
