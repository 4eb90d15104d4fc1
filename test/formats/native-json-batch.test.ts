import { strict as assert } from 'node:assert';
import * as zlib from 'node:zlib';
import type { FlatJsonSchema } from '../../src/formats/flat-json-schema';
import { flatJsonSchemaOf } from '../../src/formats/flat-json-schema';
import { avroBoundOf, encodeAvro, ndjsonParts, ScannedJsonRow } from '../../src/formats/flat-json-row';
import { NativeJsonBatch, nativeAddon, NativeOutput } from '../../src/formats/native-json-batch';
import type { AvroSchemaObject } from '../../src/formats/record-file-writer';
import { MIXED_SCHEMA } from '../helpers/mixed-schema';
import { FastJsonPath } from '../../src/pipeline/fast-json-path';
import { RecordColumns } from '../../src/protocol/record-columns';
import { parsePartitionTemplate } from '../../src/table/partition-template';

const SCHEMA = MIXED_SCHEMA;
const good = { ts: 1_767_225_600_000, n: 7, s: 'x', o: 'y', d: 1.5, f: 0.25, b: true, e: 'A', l: 3 };
const text = (fields: Record<string, unknown>) => JSON.stringify({ ...good, ...fields });

const SEEDS = [
  text({}), text({ o: null, l: null }), text({ s: 'a "quoted" \\ one', e: 'C_3' }), text({ s: 'caf\u00e9' }), text({ n: 2147483647 }),
  text({ n: -2147483648 }), text({ l: 999999999999999 }), text({ l: -(2 ** 41) - 3 }), text({ d: 0.1 + 0.2 }), text({ d: 1e300 }),
  text({ f: 3.4028235677973366e38 }), text({ f: 3.4028234e38 }), text({ d: -1e-300 }), text({ extra: { deep: [1, 'two', null, { t: true }] } }),
  text({ _kafka_other: 1 }), text({ ts: -1 }), text({ ts: 8.64e15 }), text({ ts: 8.64e15 + 1 }),
  ' {"ts":1767225600000 , "n" :1,\t"s":"x","d":1,"f":1,"b":true,"e":"A","l":2}\t',
  '{"ts":1767225600000,"n":1,"s":"\\u00e9\\n","o":"a\\u0041","d":-0.5,"f":12.125,"b":false,"e":"BB","l":null}',
  '{"l":5,"e":"BB","b":false,"f":1,"d":2,"o":null,"s":"","n":0,"ts":0}',
];
/** A good value with random fields: strings of printable ASCII (quotes and backslashes escaped), now and then null or accented. */
function randomValue(random: () => number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const str = () => Array.from({ length: Math.floor(random() * 12) }, () => String.fromCharCode(0x20 + Math.floor(random() * 95))).join('') + (random() < 0.05 ? '\u00e9' : '');
  const int = (digits: number) => Math.floor((random() - 0.5) * 10 ** Math.floor(random() * digits));
  return JSON.stringify({
    ts: random() < 0.1 ? int(15) : 1_767_225_600_000 + int(9), n: int(9), s: str(), o: random() < 0.3 ? null : str(),
    d: random() < 0.5 ? int(15) : (random() - 0.5) * 10 ** Math.floor(random() * 20 - 5), f: (random() - 0.5) * 10 ** Math.floor(random() * 20 - 5),
    b: random() < 0.5, e: pick(['A', 'BB', 'C_3']), l: random() < 0.2 ? null : int(15),
  }).replace('\\u00e9', '\u00e9');
}

const ALPHABET = Buffer.from('0123456789"\\{}[],:.-eE \t\nnultruefalsA_xu\u00ff');

/** A value changed at a few random places: bytes replaced, inserted, removed, or the end cut off. */
function mutate(value: string, random: () => number): Buffer {
  const bytes = [...Buffer.from(value)];
  const changes = random() < 0.8 ? 1 : 2;
  for (let c = 0; c < changes; c++) {
    const at = Math.floor(random() * (bytes.length + 1));
    const byte = random() < 0.1 ? 0x80 + Math.floor(random() * 128) : ALPHABET[Math.floor(random() * ALPHABET.length)];
    const kind = random();
    if (kind < 0.4) bytes[Math.min(at, bytes.length - 1)] = byte;
    else if (kind < 0.7) bytes.splice(at, 0, byte);
    else if (kind < 0.95) bytes.splice(at, 1);
    else bytes.length = at;
  }
  return Buffer.from(bytes);
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYS = [null, Buffer.from('user-42'), Buffer.from('k"\\ey'), Buffer.from('cl\u00e9')];

/** Every value in one fetched buffer, after a few bytes and between its neighbours, as a fetch leaves them. */
function columnsOf(values: Buffer[]): RecordColumns {
  const parts: Buffer[] = [Buffer.from('xx')];
  const spans: [number, number, number, number][] = [];
  let pos = 2;
  values.forEach((value, i) => {
    const key = KEYS[i % KEYS.length];
    const keyStart = key ? pos : -1;
    if (key) {
      parts.push(key);
      pos += key.length;
    }
    spans.push([keyStart, key ? pos : -1, pos, pos + value.length]);
    parts.push(value);
    pos += value.length;
  });
  parts.push(Buffer.from('}"'));
  const columns = new RecordColumns();
  const buffer = columns.addBuffer(Buffer.concat(parts));
  spans.forEach(([keyStart, keyEnd, start, end], i) => {
    const r = columns.push(5000 + i, 1_767_225_600_123 + i, buffer);
    columns.keyStarts[r] = keyStart;
    columns.keyEnds[r] = keyEnd;
    columns.valueStarts[r] = start;
    columns.valueEnds[r] = end;
  });
  return columns;
}

function jsEncoding(row: ScannedJsonRow, output: NativeOutput): Buffer {
  if (output === 'ndjson') return Buffer.concat(ndjsonParts(row).map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  const buffer = Buffer.alloc(avroBoundOf(row));
  return buffer.subarray(0, encodeAvro(row, buffer, 0));
}

/** Native and JS over the same columns: the native scan takes a subset of the JS one's records, with the same bytes. */
function compare(schema: FlatJsonSchema, output: NativeOutput, columns: RecordColumns): { taken: number; jsTaken: number } {
  const native = NativeJsonBatch.create(schema, output);
  assert.ok(native, 'the native batch exists for this schema');
  const fast = new FastJsonPath(schema, parsePartitionTemplate('dt={yyyy-MM-dd}'));
  let taken = 0;
  let jsTaken = 0;
  for (let i = 0; i < columns.length; i++) {
    const end: number = native.accept(columns, i, 3);
    const nativeBytes: Buffer | null = end < 0 ? null : Buffer.from(native.out.subarray(native.start, end));
    const nativeTime: number = native.eventTime;
    const row = fast.accept(columns, i, 3);
    if (row) jsTaken++;
    if (nativeBytes === null) continue;
    taken++;
    const shown = columns.value(i)?.toString('latin1');
    assert.ok(row, `native took what the JS scanner refuses: ${shown}`);
    assert.equal(nativeTime, fast.eventTime, `event time of ${shown}`);
    assert.deepEqual(nativeBytes, jsEncoding(row, output), `${output} bytes of ${shown}`);
  }
  return { taken, jsTaken };
}

describe('the native JSON batch against the JS fast path', () => {
  it('is built (npm run build:native), so the load takes it', () => {
    assert.ok(nativeAddon(), 'src/native/build/Release/sluice_native.node is missing: run `npm run build:native`');
  });

  const random = seeded(16);
  const values: Buffer[] = SEEDS.map((s) => Buffer.from(s));
  for (let n = 0; n < 3000; n++) values.push(mutate(SEEDS[n % SEEDS.length], random));
  for (let n = 0; n < 6000; n++) {
    const value = randomValue(random);
    values.push(random() < 0.5 ? Buffer.from(value) : mutate(value, random));
  }
  const columns = columnsOf(values);
  const cases: [string, FlatJsonSchema][] = [
    ['every metadata column, time field in millis', flatJsonSchemaOf(SCHEMA, ['partition', 'offset', 'timestamp', 'key'], 'ts', 'millis')!],
    ['no metadata, time field in micros', flatJsonSchemaOf(SCHEMA, [], 'ts', 'micros')!],
    ['the key and offset, the Kafka timestamp as event time', flatJsonSchemaOf(SCHEMA, ['key', 'offset'], null, 'millis')!],
  ];
  for (const [name, schema] of cases) {
    for (const output of ['avro', 'ndjson'] as const) {
      it(`takes a subset of the JS scanner's values and writes the same ${output} (${name})`, () => {
        const { taken, jsTaken } = compare(schema, output, columns);
        // Half the keys are not plain ASCII and some values hold escapes or non-ASCII bytes, which the native scan
        // leaves to JS; far fewer taken would mean it refuses good values.
        assert.ok(taken >= 0.3 * jsTaken && jsTaken > 3000, `native took ${taken}, JS ${jsTaken} of ${columns.length}`);
      });
    }
  }

  it('scans a run again from where a roll stopped the loop, and across small output buffers', () => {
    const schema = cases[0][1];
    const native = NativeJsonBatch.create(schema, 'avro')!;
    const whole: (Buffer | null)[] = [];
    let takenWhole = 0;
    for (let i = 0; i < columns.length; i++) {
      const end = native.accept(columns, i, 3);
      whole.push(end < 0 ? null : Buffer.from(native.out.subarray(native.start, end)));
      if (end >= 0) takenWhole++;
    }
    const small = NativeJsonBatch.create(schema, 'avro')!;
    small.outBytes = 700;
    assert.ok(takenWhole > 1000, `${takenWhole} taken`);
    for (let i = 0; i < columns.length; i += 1) {
      const end = small.accept(columns, i, 3);
      const bytes: Buffer | null = end < 0 ? null : Buffer.from(small.out.subarray(small.start, end));
      assert.deepEqual(bytes, whole[i], `record ${i}`);
    }
  });

  it('deflates with libdeflate (libdeflate-dev), which zlib inflates back', () => {
    const deflateRaw = nativeAddon()?.deflateRaw;
    assert.ok(deflateRaw, 'the addon was built without libdeflate: install libdeflate-dev and run `npm run build:native`');
    const block = Buffer.concat([...SEEDS.map((s) => Buffer.from(s)), ...values.slice(0, 2000)]);
    for (const level of [1, 6, 9]) {
      const compressed = deflateRaw(block, 7, block.length - 3, level);
      assert.ok(compressed.length < block.length / 2, `level ${level}: ${compressed.length} of ${block.length} bytes`);
      assert.deepEqual(zlib.inflateRawSync(compressed), block.subarray(7, block.length - 3));
    }
    assert.throws(() => deflateRaw(block, 0, block.length + 1, 1), /deflateRaw/);
  });

  it('leaves an ISO time field to the JS path', () => {
    const iso: AvroSchemaObject = { type: 'record', name: 'T', fields: [{ name: 'when', type: 'string' }] };
    assert.equal(NativeJsonBatch.create(flatJsonSchemaOf(iso, [], 'when', 'iso')!, 'avro'), null);
  });
});
