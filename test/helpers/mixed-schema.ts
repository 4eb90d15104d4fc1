import type { AvroSchemaObject } from '../../src/formats/record-file-writer';

/** A flat record of every kind the JSON fast path takes (test/formats/flat-json-row and native-json-batch). */
export const MIXED_SCHEMA: AvroSchemaObject = {
  type: 'record', name: 'Mixed', fields: [
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'n', type: 'int' },
    { name: 's', type: 'string' },
    { name: 'o', type: ['null', 'string'], default: null },
    { name: 'd', type: 'double' },
    { name: 'f', type: 'float' },
    { name: 'b', type: 'boolean' },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'BB', 'C_3'] } },
    { name: 'l', type: ['long', 'null'] },
  ],
};
