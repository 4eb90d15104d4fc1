import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { avroTableColumns, avroToHive, HiveTypeError, parquetTableColumns } from '../../src/analyst/hive-types';
import { UnsupportedSchemaError } from '../../src/formats/avro-to-parquet';
import { createParquetFileWriter } from '../../src/formats/parquet-file-writer';
import type { AvroSchema, AvroSchemaObject } from '../../src/formats/record-file-writer';
import { useTempDir } from '../helpers/temp-dir';
import { describeParquet, duckdbTypeAsHive } from './hive-fixtures';

const address: AvroSchemaObject = { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: ['null', 'int'] }] };

/** Every Avro type the Hive mapping covers, with the Hive type both Avro and Parquet tables give it. */
const MAPPING: [string, AvroSchema, string][] = [
  ['boolean', 'boolean', 'BOOLEAN'],
  ['int', 'int', 'INT'],
  ['long', 'long', 'BIGINT'],
  ['float', 'float', 'FLOAT'],
  ['double', 'double', 'DOUBLE'],
  ['string', 'string', 'STRING'],
  ['bytes', 'bytes', 'BINARY'],
  ['enum', { type: 'enum', name: 'Device', symbols: ['desktop', 'mobile'] }, 'STRING'],
  ['fixed', { type: 'fixed', name: 'Hash', size: 16 }, 'BINARY'],
  ['array', { type: 'array', items: 'long' }, 'ARRAY<BIGINT>'],
  ['map', { type: 'map', values: ['null', 'double'] }, 'MAP<STRING,DOUBLE>'],
  ['record', address, 'STRUCT<`city`:STRING,`zip`:INT>'],
  ['[null, T]', ['null', 'string'], 'STRING'],
  ['[T, null]', ['long', 'null'], 'BIGINT'],
  ['date', { type: 'int', logicalType: 'date' }, 'DATE'],
  ['timestamp-millis', { type: 'long', logicalType: 'timestamp-millis' }, 'TIMESTAMP'],
  ['timestamp-micros', { type: 'long', logicalType: 'timestamp-micros' }, 'TIMESTAMP'],
  ['decimal on bytes', { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 }, 'DECIMAL(12,2)'],
  ['decimal on fixed', { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 18, scale: 4 }, 'DECIMAL(18,4)'],
  ['uuid', { type: 'string', logicalType: 'uuid' }, 'STRING'],
  ['array of records', { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'tags', type: { type: 'array', items: 'string' } }] } },
    'ARRAY<STRUCT<`sku`:STRING,`tags`:ARRAY<STRING>>>'],
  ['map of arrays of maps', { type: 'map', values: { type: 'array', items: { type: 'map', values: 'int' } } }, 'MAP<STRING,ARRAY<MAP<STRING,INT>>>'],
  ['nested record with a timestamp', { type: 'record', name: 'Outer', fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }, { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'd', type: { type: 'int', logicalType: 'date' } }] } }] },
    'STRUCT<`at`:TIMESTAMP,`inner`:STRUCT<`d`:DATE>>'],
];

function recordOf(fields: [string, AvroSchema][]): AvroSchemaObject {
  return { type: 'record', name: 'T', namespace: 'test', fields: fields.map(([name, type]) => ({ name, type })) };
}

describe('Avro → Hive types', () => {
  const tmp = useTempDir();

  for (const [label, schema, hive] of MAPPING) {
    it(`${label} → ${hive}, in Avro and Parquet tables alike`, () => {
      assert.equal(avroToHive(schema, 'f', ''), hive);
      assert.deepEqual(avroTableColumns(recordOf([['f', schema]])).map((c) => c.type), [hive]);
      assert.deepEqual(parquetTableColumns(recordOf([['f', schema]])).map((c) => c.type), [hive]);
    });
  }

  it('a union of several non-null types is a UNIONTYPE for Avro tables, and the Parquet writer\'s own error for Parquet tables', () => {
    const schema = recordOf([['either', ['null', 'int', 'string', { type: 'array', items: 'int' }]]]);
    assert.deepEqual(avroTableColumns(schema).map((c) => c.type), ['UNIONTYPE<INT,STRING,ARRAY<INT>>']);
    assert.throws(() => parquetTableColumns(schema), (e: Error) => e instanceof UnsupportedSchemaError && /field either: .*a union of 3 non-null types/.test(e.message));
  });

  it('names a field that has no Hive type: recursion, null only, a decimal too wide, an unknown name', () => {
    const linked: AvroSchemaObject = { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] };
    assert.throws(() => avroTableColumns(linked), (e: Error) => e instanceof HiveTypeError && /field next: Avro type Node .*recursive/.test(e.message));
    assert.throws(() => avroTableColumns(recordOf([['nothing', 'null']])), (e: Error) => e instanceof HiveTypeError && /field nothing: .*always null/.test(e.message));
    assert.throws(() => avroTableColumns(recordOf([['wide', { type: 'bytes', logicalType: 'decimal', precision: 40 }]])), /field wide: .*precision 40/);
    assert.throws(() => avroTableColumns(recordOf([['who', 'Missing']])), /field who: Avro type Missing .*no primitive or earlier-defined named type/);
  });

  it('a named type used again maps to the same Hive type; doc strings become comments', () => {
    const schema: AvroSchemaObject = {
      type: 'record', name: 'Order', namespace: 'shop', fields: [
        { name: 'billing', type: address, doc: 'Where the bill goes.' },
        { name: 'shipping', type: ['null', 'Address'] },
      ],
    };
    assert.deepEqual(avroTableColumns(schema), [
      { name: 'billing', type: 'STRUCT<`city`:STRING,`zip`:INT>', comment: 'Where the bill goes.' },
      { name: 'shipping', type: 'STRUCT<`city`:STRING,`zip`:INT>', comment: null },
    ]);
  });

  it('Parquet tables: the Hive types match what DuckDB reads from a file sluice\'s Parquet writer wrote, nested types included', async () => {
    const schema = recordOf(MAPPING.map(([, avro], i): [string, AvroSchema] => [`c${i}`, renameNamed(avro, i)]));
    const file = path.join(tmp(), 'all-types.parquet');
    const writer = createParquetFileWriter({ path: file, schema });
    await writer.close();
    const described = await describeParquet([file]);
    const columns = parquetTableColumns(schema);
    assert.deepEqual(columns.map((c) => c.name), described.map(([name]) => name));
    assert.deepEqual(columns.map((c) => c.type), described.map(([, type]) => duckdbTypeAsHive(type)));
  });
});

/** The mapping table's named types are renamed per column so one record can hold them all. */
function renameNamed(schema: AvroSchema, i: number): AvroSchema {
  return JSON.parse(JSON.stringify(schema).replace(/"name":"([A-Z]\w*)"/g, `"name":"$1${i}"`)) as AvroSchema;
}
