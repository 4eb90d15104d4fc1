import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Column, duckdbTypeSql, parquetColumnsOf, UnsupportedSchemaError } from '../../src/formats/avro-to-parquet';
import { AvroSchema } from '../../src/formats/record-file-writer';

function columnsOf(...fields: { name: string; type: AvroSchema }[]): Column[] {
  return parquetColumnsOf({ type: 'record', name: 'Row', namespace: 'test', fields });
}

function only(type: AvroSchema): Column {
  const [column] = columnsOf({ name: 'f', type });
  return column;
}

function assertUnsupported(schema: AvroSchema, fieldPath: string, avroTypeMention: string): void {
  assert.throws(
    () => parquetColumnsOf(schema),
    (e: unknown) => {
      assert.ok(e instanceof UnsupportedSchemaError, `expected UnsupportedSchemaError, got ${String(e)}`);
      assert.equal(e.fieldPath, fieldPath);
      assert.ok(e.message.includes(`field ${fieldPath}:`), e.message);
      assert.ok(e.message.includes(avroTypeMention), e.message);
      return true;
    },
  );
}

describe('Avro to Parquet column types', () => {
  // The mapping the load job promises (docs/parquet-choice.md); each Avro type is written alone, required and nullable.
  const mapping: [string, AvroSchema, string][] = [
    ['int', 'int', 'INTEGER'],
    ['long', 'long', 'BIGINT'],
    ['float', 'float', 'FLOAT'],
    ['double', 'double', 'DOUBLE'],
    ['boolean', 'boolean', 'BOOLEAN'],
    ['string', 'string', 'VARCHAR'],
    ['bytes', 'bytes', 'BLOB'],
    ['fixed', { type: 'fixed', name: 'Hash', size: 16 }, 'BLOB'],
    ['enum', { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN'] }, 'VARCHAR'],
    ['timestamp-millis', { type: 'long', logicalType: 'timestamp-millis' }, 'TIMESTAMPTZ'],
    ['timestamp-micros', { type: 'long', logicalType: 'timestamp-micros' }, 'TIMESTAMPTZ'],
    ['local-timestamp-millis', { type: 'long', logicalType: 'local-timestamp-millis' }, 'TIMESTAMP'],
    ['date', { type: 'int', logicalType: 'date' }, 'DATE'],
    ['decimal on bytes', { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 }, 'DECIMAL(12, 2)'],
    ['decimal on fixed', { type: 'fixed', name: 'Money', size: 16, logicalType: 'decimal', precision: 38, scale: 9 }, 'DECIMAL(38, 9)'],
    ['nested record', { type: 'record', name: 'Inner', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: ['null', 'string'] }] },
      'STRUCT("a" INTEGER, "b" VARCHAR)'],
    ['array', { type: 'array', items: 'long' }, 'BIGINT[]'],
    ['map', { type: 'map', values: 'double' }, 'MAP(VARCHAR, DOUBLE)'],
    ['array of maps of records', { type: 'array', items: { type: 'map', values: { type: 'record', name: 'P', fields: [{ name: 'x', type: 'float' }] } } },
      'MAP(VARCHAR, STRUCT("x" FLOAT))[]'],
  ];
  for (const [what, avro, sql] of mapping) {
    it(`maps ${what} to ${sql}`, () => {
      const required = only(avro);
      assert.equal(duckdbTypeSql(required.type), sql);
      assert.equal(required.nullable, false);
      const nullable = only(['null', avro]);
      assert.equal(duckdbTypeSql(nullable.type), sql);
      assert.equal(nullable.nullable, true);
    });
  }

  it('keeps the Avro unit of timestamps, which close() converts to microseconds', () => {
    assert.deepEqual(only({ type: 'long', logicalType: 'timestamp-millis' }).type, { kind: 'TIMESTAMPTZ', unit: 'millis' });
    assert.deepEqual(only({ type: 'long', logicalType: 'timestamp-micros' }).type, { kind: 'TIMESTAMPTZ', unit: 'micros' });
  });

  it('treats a union with null in either position as nullable', () => {
    assert.equal(only(['string', 'null']).nullable, true);
    assert.equal(duckdbTypeSql(only(['string', 'null']).type), 'VARCHAR');
  });

  it('ignores logical types that do not fit their underlying type, as the Avro spec says', () => {
    assert.equal(duckdbTypeSql(only({ type: 'int', logicalType: 'timestamp-millis' }).type), 'INTEGER');
    assert.equal(duckdbTypeSql(only({ type: 'string', logicalType: 'uuid' }).type), 'VARCHAR');
    assert.equal(duckdbTypeSql(only({ type: 'bytes', logicalType: 'decimal', precision: 4, scale: 5 }).type), 'BLOB');
  });

  it('names nested fields by their path and marks nullable array items and map values', () => {
    const [column] = columnsOf({
      name: 'outer',
      type: { type: 'record', name: 'Outer', fields: [
        { name: 'list', type: { type: 'array', items: ['null', 'int'] } },
        { name: 'dict', type: { type: 'map', values: 'int' } },
      ] },
    });
    assert.equal(column.type.kind, 'STRUCT');
    const [list, dict] = column.type.kind === 'STRUCT' ? column.type.fields : [];
    assert.deepEqual([list.path, dict.path], ['outer.list', 'outer.dict']);
    assert.deepEqual(list.type, { kind: 'LIST', element: { kind: 'INTEGER' }, elementNullable: true });
    assert.deepEqual(dict.type, { kind: 'MAP', value: { kind: 'INTEGER' }, valueNullable: false });
  });

  it('resolves named types used again, by short name in their namespace and by full name', () => {
    const columns = parquetColumnsOf({
      type: 'record', name: 'Row', namespace: 'a.b', fields: [
        { name: 'first', type: { type: 'fixed', name: 'Id', size: 8 } },
        { name: 'second', type: 'Id' },
        { name: 'third', type: ['null', 'a.b.Id'] },
        { name: 'home', type: { type: 'record', name: 'Place', namespace: 'c', fields: [{ name: 'id', type: 'a.b.Id' }] } },
        { name: 'work', type: 'c.Place' },
      ],
    });
    assert.deepEqual(columns.map((c) => duckdbTypeSql(c.type)), ['BLOB', 'BLOB', 'BLOB', 'STRUCT("id" BLOB)', 'STRUCT("id" BLOB)']);
  });

  it('maps the page-view schema field by field', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../schemas/page_view.avsc'), 'utf8')) as AvroSchema;
    const columns = parquetColumnsOf(schema);
    assert.deepEqual(columns.map((c) => `${c.name} ${duckdbTypeSql(c.type)}${c.nullable ? '' : ' NOT NULL'}`), [
      'ts TIMESTAMPTZ NOT NULL', 'user_id VARCHAR NOT NULL', 'session_id VARCHAR NOT NULL', 'page VARCHAR NOT NULL',
      'referrer VARCHAR', 'user_agent VARCHAR NOT NULL', 'duration_ms INTEGER NOT NULL', 'country VARCHAR NOT NULL',
    ]);
  });

  describe('refuses, naming the field path and the type', () => {
    const record = (fields: { name: string; type: AvroSchema }[]): AvroSchema => ({ type: 'record', name: 'Row', fields });
    const address = (zip: AvroSchema): AvroSchema => record([{ name: 'address', type: { type: 'record', name: 'Address', fields: [{ name: 'zip', type: zip }] } }]);

    it('a union of two non-null types', () => assertUnsupported(address(['int', 'string']), 'address.zip', '["int","string"]'));
    it('a nullable union of two non-null types', () => assertUnsupported(address(['null', 'int', 'string']), 'address.zip', '["null","int","string"]'));
    it('a two-type union inside an array', () =>
      assertUnsupported(record([{ name: 'tags', type: { type: 'array', items: ['long', 'string'] } }]), 'tags[]', '["long","string"]'));
    it('a two-type union inside a map', () =>
      assertUnsupported(record([{ name: 'attrs', type: { type: 'map', values: ['boolean', 'bytes'] } }]), 'attrs{}', '["boolean","bytes"]'));
    it('a recursive record', () =>
      assertUnsupported(record([{ name: 'head', type: { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] } }]), 'head.next', 'Node'));
    it('a decimal wider than 38 digits', () =>
      assertUnsupported(record([{ name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 39, scale: 0 } }]), 'amount', '"precision":39'));
    it('a field that is always null', () => assertUnsupported(record([{ name: 'nothing', type: 'null' }]), 'nothing', 'null'));
    it('a name that is not defined', () => assertUnsupported(record([{ name: 'when', type: 'Instant' }]), 'when', 'Instant'));
    it('field names that differ only in case', () =>
      assertUnsupported(record([{ name: 'Id', type: 'int' }, { name: 'id', type: 'int' }]), 'id', 'Row'));
    it('a top-level schema that is not a record', () => assertUnsupported('string', '(root)', '"string"'));
  });
});
