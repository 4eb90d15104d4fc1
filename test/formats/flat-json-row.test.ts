import { RecordColumns } from '../../src/protocol/record-columns';
import { strict as assert } from 'node:assert';
import * as avro from 'avsc';
import { createAvroType, withMetadataColumns } from '../../src/formats/avro-schema';
import { flatJsonSchemaOf } from '../../src/formats/flat-json-schema';
import { avroBoundOf, encodeAvro } from '../../src/formats/flat-json-row';
import { MIXED_SCHEMA } from '../helpers/mixed-schema';
import { FastJsonPath } from '../../src/pipeline/fast-json-path';
import { BadRecordError, makeRecordDecoder } from '../../src/pipeline/record-decoder';
import { parsePartitionTemplate } from '../../src/table/partition-template';
import type { JobDefinition } from '../../src/job/job-definition';

const SCHEMA = MIXED_SCHEMA;
const COLUMNS = ['partition', 'offset', 'timestamp', 'key'] as const;

const good = { ts: 1_767_225_600_000, n: 7, s: 'x', o: 'y', d: 1.5, f: 0.25, b: true, e: 'A', l: 3 };
const text = (fields: Record<string, unknown>) => JSON.stringify({ ...good, ...fields });

/** Values near every edge the scanner draws: each must be routed and written as the per-record path does it. */
const VALUES: string[] = [
  text({}), text({ o: null, l: null }), text({ s: 'caf\u00e9 – \u{1f600}', e: 'C_3' }), text({ s: 'q"uote\\back/\n\t\u0001' }),
  text({ n: 2147483647 }), text({ n: -2147483648 }), text({ n: 2147483648 }), text({ n: -0 }), text({ n: 1.5 }), text({ n: '1' }),
  text({ l: 999999999999999 }), text({ l: -999999999999999 }), text({ l: 9007199254740990 }),
  ...[2 ** 27 - 1, 2 ** 27, -(2 ** 27), -(2 ** 27) - 1, 2 ** 30, 2 ** 31, -(2 ** 31), 2 ** 35 + 1, -(2 ** 41) - 3].map((l) => text({ l })), text({ l: 9007199254740993 }), text({ ts: -1 }), text({ ts: 8.64e15 + 1 }),
  text({ d: 0.1 + 0.2 }), text({ d: 1e300 }), text({ d: -1e-300 }), text({ f: 3.4028235677973366e38 }), text({ f: 1e-50 }), text({ d: 'x' }),
  text({ b: 'true' }), text({ b: null }), text({ e: 'C' }), text({ e: null }), text({ s: null }), text({ extra: { deep: [1, 'two', null, { three: true }] } }),
  text({ ts: null }), text({ ts: '2026-01-01' }), text({ _kafka_offset: 5, _kafka_key: 'no' }),
  '{"ts":1767225600000,"n":1,"s":"x","o":null,"d":-0,"f":0,"b":false,"e":"BB","l":null}',
  '{"ts":1767225600000,"n":1,"s":"x","o":null,"d":-0.0,"f":-0,"b":false,"e":"BB","l":null}',
  '{"ts":1767225600000,"n":1,"s":"x","o":null,"d":1e5,"f":1E-3,"b":false,"e":"BB","l":1e3}',
  '{"ts":1767225600000,"n":01,"s":"x","o":null,"d":1,"f":1,"b":false,"e":"BB","l":null}',
  '{"ts":1767225600000,"n":1,"s":"\\ud83d\\ude00","o":"\\ud800","d":1,"f":1,"b":false,"e":"BB","l":null}',
  '{"ts":1767225600000,"n":1,"s":"\\u00e9\\u0000","o":"a\\u0041","d":1,"f":1,"b":false,"e":"BB","l":null}',
  ' {"ts":1767225600000 , "n" :1,\t"s":"x","d":1,"f":1,"b":true,"e":"A","l":2} ',
  '{"ts":1767225600000,"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2}\n',
  '{"ts":1767225600000,\n"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2}',
  '{"ts":1767225600000,"n":1,"n":2,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2}',
  '{"ts":1767225600000,"\\u006e":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2}',
  '{"ts":1767225600000,"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A"}',
  '{"ts":1767225600000,"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2,}',
  '{"ts":1767225600000,"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2,"z":[1,2,]}',
  '{"ts":1767225600000,"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2,"z":"\u0001"}',
  '{"ts":1767225600000,"n":1,"s":"x","d":1.,"f":1,"b":true,"e":"A","l":2}',
  '{"ts":1767225600000,"n":1,"s":"x","d":1,"f":1,"b":true,"e":"A","l":2}{}', '[]', '"x"', 'null', '', '{', '{"ts":1}', '\ufeff{}',
  '{"ts":1767225600000,"n":1,"s":"x\\q","d":1,"f":1,"b":true,"e":"A","l":2}',
];

function jobWith(metadataColumns: readonly string[]): JobDefinition {
  return { name: 't', value: { format: 'json' }, key: { format: 'string' }, metadataColumns, time: { field: 'ts', timezone: 'UTC' } } as unknown as JobDefinition;
}

describe('the JSON fast path against the per-record path', () => {
  const output = withMetadataColumns(SCHEMA, COLUMNS);
  const outputType = createAvroType(output);
  const decode = makeRecordDecoder(jobWith(COLUMNS), { file: 'mixed.avsc', schema: SCHEMA, type: createAvroType(SCHEMA) });
  const flat = flatJsonSchemaOf(SCHEMA, COLUMNS, 'ts', 'millis')!;
  const fast = new FastJsonPath(flat, parsePartitionTemplate('part={o}/dt={yyyy-MM-dd}'));

  it('takes only values the per-record path accepts, with the same event time, fields and Avro bytes', () => {
    let taken = 0;
    for (const [i, value] of VALUES.entries()) {
      for (const key of [Buffer.from('k"\\ey'), null]) {
        const record = { offset: 1000 + i, timestamp: 1_767_225_600_123, key, value: Buffer.from(value), headers: [] } as unknown as Parameters<typeof decode>[0];
        const row = fast.accept(RecordColumns.of([record]), 0, 3);
        if (!row) continue;
        taken++;
        let decoded;
        try {
          decoded = decode(record, 3);
        } catch (error) {
          assert.ok(error instanceof BadRecordError);
          assert.fail(`the fast path took ${value}, which the per-record path refuses: ${error.message}`);
        }
        assert.equal(fast.eventTime, decoded.eventTime, value);
        assert.deepEqual(fast.partitionFields(), { o: decoded.record.o }, value);
        const buffer = Buffer.alloc(avroBoundOf(row));
        const end = encodeAvro(row, buffer, 0);
        assert.deepEqual(buffer.subarray(0, end), outputType.toBuffer(decoded.record), value);
      }
    }
    assert.ok(taken >= 20, `the fast path took ${taken} of ${VALUES.length * 2}`);
  });

  it('refuses what DuckDB reads differently and what is not JSON', () => {
    const refused = ['-0', '-0.0', '1e5', '"\\ud800"', '01', '1.'];
    for (const d of refused) assert.equal(fast.accept(RecordColumns.of([{ offset: 0, timestamp: 0, key: null, value: Buffer.from(text({}).replace('"d":1.5', `"d":${d}`)), headers: [] } as never]), 0, 0), null, d);
    assert.equal(fast.accept(RecordColumns.of([{ offset: 0, timestamp: 0, key: Buffer.from([0xff]), value: Buffer.from(text({})), headers: [] } as never]), 0, 0), null);
    assert.equal(fast.accept(RecordColumns.of([{ offset: 0, timestamp: 0, key: null, value: Buffer.from(text({ _kafka_offset: 5 })), headers: [] } as never]), 0, 0), null, 'a metadata name as an unknown key');
    assert.notEqual(fast.accept(RecordColumns.of([{ offset: 0, timestamp: 0, key: null, value: Buffer.from(text({ _kafka_other: 5 })), headers: [] } as never]), 0, 0), null);
    assert.equal(fast.accept(RecordColumns.of([{ offset: 0, timestamp: 0, key: null, value: Buffer.from([0x7b, 0xff, 0x7d]), headers: [] } as never]), 0, 0), null);
  });

  it('scans a value where the fetch left it, inside larger bytes, as it scans the value alone', () => {
    const standalone = (value: Buffer) => fast.accept(RecordColumns.of([{ offset: 1, timestamp: 2, key: null, value, headers: [] }]), 0, 0);
    const inPlace = (bytes: Buffer, start: number, end: number) => {
      const columns = new RecordColumns();
      const i = columns.push(1, 2, columns.addBuffer(bytes));
      columns.valueStarts[i] = start;
      columns.valueEnds[i] = end;
      return fast.accept(columns, i, 0);
    };
    const avroOf = (row: NonNullable<ReturnType<typeof standalone>>) => {
      const buffer = Buffer.alloc(avroBoundOf(row));
      return buffer.subarray(0, encodeAvro(row, buffer, 0));
    };
    let cuts = 0;
    for (const value of [text({}), text({ s: 'caf\u00e9 \u{1f600}', o: null }), text({ n: 12345, l: 678 })]) {
      // Every cut of the value, followed by bytes that would complete it: what lies past the end must not count.
      const bytes = Buffer.from(`${value} ${value}`);
      const whole = Buffer.byteLength(value);
      for (let end = 1; end <= whole; end++) {
        const alone = standalone(Buffer.from(bytes.subarray(0, end)));
        const aloneBytes = alone && avroOf(alone);
        const there = inPlace(bytes, 0, end);
        assert.equal(there === null, aloneBytes === null, `cut at ${end} of ${value}`);
        if (there && aloneBytes) assert.deepEqual(avroOf(there), aloneBytes, `cut at ${end}`);
        cuts++;
      }
      // And a value after other bytes, with the next value's bytes behind it.
      assert.ok(inPlace(bytes, whole + 1, bytes.length), value);
      assert.equal(inPlace(Buffer.from(`${value}5`), 0, whole)?.metadata.offset, 1);
    }
    assert.ok(cuts > 250, `${cuts} cuts`);
    // Non-ASCII bytes in place: valid UTF-8 taken, invalid refused, as the whole value's check decides.
    const invalid = Buffer.from(text({ s: 'ab' }));
    invalid[invalid.indexOf('"ab"') + 1] = 0xff;
    assert.equal(inPlace(Buffer.concat([Buffer.from('{}'), invalid, Buffer.from('xx')]), 2, 2 + invalid.length), null);
    assert.equal(standalone(invalid), null);
    const accented = Buffer.from(text({ s: 'é' }));
    assert.ok(inPlace(Buffer.concat([Buffer.from([0xff, 0xfe]), accented, Buffer.from([0xff])]), 2, 2 + accented.length));
  });

  it('is used only for flat schemas', () => {
    assert.equal(flatJsonSchemaOf({ ...SCHEMA, fields: [...SCHEMA.fields!, { name: 'a', type: { type: 'array', items: 'int' } }] }, [], null, 'millis'), null);
    assert.equal(flatJsonSchemaOf({ ...SCHEMA, fields: [{ name: 'u', type: ['null', 'int', 'string'] }] }, [], null, 'millis'), null);
    assert.equal(flatJsonSchemaOf({ ...SCHEMA, fields: [{ name: 'b', type: 'bytes' }] }, [], null, 'millis'), null);
    assert.ok(avro.Type.forSchema(SCHEMA as avro.Schema));
  });
});
