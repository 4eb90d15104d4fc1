import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AvroDecodeError,
  createAvroType,
  decodeAvroBinary,
  jsonToAvro,
  JsonToAvroError,
  loadAvroSchema,
  SchemaError,
  validateRecord,
  withMetadataColumns,
} from '../../src/formats/avro-schema';
import type { AvroSchemaObject } from '../../src/formats/record-file-writer';
import { useTempDir } from '../helpers/temp-dir';

const PAGE_VIEW_FILE = path.resolve(__dirname, '../../../schemas/page_view.avsc');

function pageView(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ts: 1_700_000_000_123, user_id: 'u1', session_id: 's1', page: '/home', referrer: null,
    user_agent: 'curl/8', duration_ms: 250, country: 'DE', ...overrides,
  };
}

/** Avro's zigzag varint of a long, computed with BigInt, independently of avsc. */
function avroLongBytes(value: bigint): Buffer {
  let zigzag = value >= 0n ? value * 2n : -value * 2n - 1n;
  const bytes: number[] = [];
  for (; zigzag >= 0x80n; zigzag >>= 7n) bytes.push(Number(zigzag & 0x7fn) | 0x80);
  bytes.push(Number(zigzag));
  return Buffer.from(bytes);
}

const NESTED: AvroSchemaObject = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'long' },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Item',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'note', type: ['null', 'string'], default: null },
            { name: 'blob', type: 'bytes' },
          ],
        },
      },
    },
    { name: 'attrs', type: { type: 'map', values: ['null', 'long'] } },
    { name: 'amount', type: ['null', 'int', 'long'] },
    { name: 'tag', type: ['null', 'string', 'int'] },
    { name: 'channel', type: 'string', default: 'web' },
  ],
};

describe('Avro schemas', () => {
  const tmp = useTempDir();

  function schemaFile(text: string): string {
    const file = path.join(tmp(), 'test.avsc');
    fs.writeFileSync(file, text);
    return file;
  }

  describe('loadAvroSchema', () => {
    it('loads the page-view schema as JSON and as an avsc type', () => {
      const loaded = loadAvroSchema(PAGE_VIEW_FILE);
      assert.equal(loaded.file, PAGE_VIEW_FILE);
      assert.deepEqual(loaded.schema, JSON.parse(fs.readFileSync(PAGE_VIEW_FILE, 'utf8')));
      assert.equal(loaded.type.name, 'sluice.example.PageView');
      assert.ok(loaded.type.isValid(pageView()));
    });

    const badJson: [string, string[], number][] = [
      ['a value missing after a colon', ['{', '  "type": "record",', '  "name": "X",', '  "fields": }'], 4],
      ['a missing comma', ['{', '  "type": "record"', '  "name": "X"', '}'], 3],
      ['a misspelt literal', ['{', '  "type": "record",', '  "default": nul,', '  "name": "X"', '}'], 3],
      ['a trailing comma', ['{', '  "type": "record",', '  "name": "X",', '}'], 4],
      ['a cut-off file', ['{', '  "type": "record",', '  "name": "X",'], 3],
    ];
    for (const [what, lines, badLine] of badJson) {
      it(`names the file and line ${badLine} for ${what}`, () => {
        const file = schemaFile(lines.join('\n'));
        assert.throws(
          () => loadAvroSchema(file),
          (e: unknown) =>
            e instanceof SchemaError && e.source === file && e.line === badLine && e.message.includes(`line ${badLine}`) && e.message.startsWith(file),
        );
      });
    }

    it('reports an invalid Avro schema with the file and what avsc found wrong', () => {
      const file = schemaFile(JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'strin' }] }));
      assert.throws(
        () => loadAvroSchema(file),
        (e: unknown) => e instanceof SchemaError && e.message.startsWith(file) && e.message.includes('strin') && e.line === undefined,
      );
    });

    it('reports a missing file', () => {
      const file = path.join(tmp(), 'absent.avsc');
      assert.throws(() => loadAvroSchema(file), (e: unknown) => e instanceof SchemaError && e.source === file && /ENOENT/.test(e.message));
    });
  });

  describe('withMetadataColumns', () => {
    it('appends the chosen Kafka fields in the order asked, leaving the input alone', () => {
      const base = loadAvroSchema(PAGE_VIEW_FILE).schema as AvroSchemaObject;
      const before = JSON.stringify(base);
      const schema = withMetadataColumns(base, ['key', 'partition', 'offset', 'timestamp']);
      assert.equal(JSON.stringify(base), before);
      assert.deepEqual(schema.fields?.slice(0, base.fields?.length), base.fields);
      assert.deepEqual(schema.fields?.slice(base.fields?.length), [
        { name: '_kafka_key', type: ['null', 'string'], default: null },
        { name: '_kafka_partition', type: 'int' },
        { name: '_kafka_offset', type: 'long' },
        { name: '_kafka_timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ]);
      const type = createAvroType(schema);
      assert.ok(type.isValid(pageView({ _kafka_key: null, _kafka_partition: 3, _kafka_offset: 2 ** 40, _kafka_timestamp: 1 })));
      assert.equal(type.isValid(pageView({ _kafka_key: null, _kafka_partition: 3, _kafka_offset: 1 })), false);
    });

    it('refuses a schema that is not a record', () => {
      for (const schema of ['string', ['null', 'string'], { type: 'map', values: 'long' }]) {
        assert.throws(() => withMetadataColumns(schema, ['offset']), SchemaError, JSON.stringify(schema));
      }
    });

    it('refuses a field name that is already taken', () => {
      const schema = { type: 'record', name: 'X', fields: [{ name: '_kafka_offset', type: 'long' }] };
      assert.throws(() => withMetadataColumns(schema, ['offset']), (e: unknown) => e instanceof SchemaError && /X.*_kafka_offset/.test(e.message));
      assert.throws(() => withMetadataColumns(schema, ['key', 'key']), (e: unknown) => e instanceof SchemaError && e.message.includes('_kafka_key'));
      assert.doesNotThrow(() => withMetadataColumns(schema, ['key']));
    });
  });

  describe('validateRecord', () => {
    const type = loadAvroSchema(PAGE_VIEW_FILE).type;

    it('accepts a good record', () => {
      assert.deepEqual(validateRecord(type, pageView()), { ok: true });
      assert.deepEqual(validateRecord(type, pageView({ referrer: 'https://x' })), { ok: true });
    });

    it('reports every bad field with its path, what was expected and what came', () => {
      const result = validateRecord(type, pageView({ referrer: 5, duration_ms: 1.5, page: undefined }));
      assert.deepEqual(result, {
        ok: false,
        errors: ['page: expected "string", got undefined', 'referrer: expected ["null","string"], got 5', 'duration_ms: expected "int", got 1.5'],
      });
    });

    it('reports paths inside arrays, maps and nested records', () => {
      const nested = createAvroType(NESTED);
      const order = {
        id: 1, attrs: { a: 1, b: 'two' }, amount: null, tag: null, channel: 'web',
        items: [{ sku: 'a', note: null, blob: Buffer.from('x') }, { sku: 7, note: null, blob: Buffer.from('y') }],
      };
      const result = validateRecord(nested, order);
      assert.equal(result.ok, false);
      assert.deepEqual(!result.ok && result.errors, ['items.1.sku: expected "string", got 7', 'attrs.b: expected ["null","long"], got "two"']);
    });
  });

  describe('decodeAvroBinary', () => {
    const type = loadAvroSchema(PAGE_VIEW_FILE).type;
    const record = pageView({ referrer: 'https://ref/ü', duration_ms: -42 });
    const bytes = type.toBuffer(record);

    it('decodes one datum', () => {
      assert.deepEqual({ ...(decodeAvroBinary(type, bytes) as object) }, record);
    });

    it('says the datum is truncated for every shorter prefix', () => {
      for (let length = 0; length < bytes.length; length++) {
        assert.throws(
          () => decodeAvroBinary(type, bytes.subarray(0, length)),
          (e: unknown) => e instanceof AvroDecodeError && e.reason === 'truncated' && e.message.includes('sluice.example.PageView'),
          `prefix of ${length} bytes`,
        );
      }
    });

    it('refuses trailing bytes, including a Confluent-framed value', () => {
      assert.throws(
        () => decodeAvroBinary(type, Buffer.concat([bytes, Buffer.from([0])])),
        (e: unknown) => e instanceof AvroDecodeError && e.reason === 'trailing bytes' && e.message.includes(`byte ${bytes.length} of ${bytes.length + 1}`),
      );
      const confluent = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), bytes]);
      assert.throws(() => decodeAvroBinary(type, confluent), AvroDecodeError);
    });

    it('explains invalid bytes without avsc internals', () => {
      const badUnion = Buffer.concat([avroLongBytes(1n), ...['u', 's', 'p'].map((s) => Buffer.from([2, s.charCodeAt(0)])), avroLongBytes(5n)]);
      assert.throws(
        () => decodeAvroBinary(type, badUnion),
        (e: unknown) => e instanceof AvroDecodeError && e.reason === 'invalid' && e.message.endsWith('union branch index 5 does not exist'),
      );
      assert.throws(
        () => decodeAvroBinary(createAvroType('long'), avroLongBytes(2n ** 53n)),
        (e: unknown) => e instanceof AvroDecodeError && e.reason === 'invalid' && e.message.includes('outside ±9007199254740990'),
      );
    });

    it('treats an array or map count the bytes cannot hold as truncation instead of filling the heap', () => {
      const hugeCount = avroLongBytes(2n ** 40n);
      for (const schema of [{ type: 'array', items: 'int' }, { type: 'map', values: 'string' }, { type: 'array', items: 'null' }]) {
        assert.throws(
          () => decodeAvroBinary(createAvroType(schema), Buffer.concat([hugeCount, Buffer.alloc(8)])),
          (e: unknown) => e instanceof AvroDecodeError && e.reason === 'truncated',
          JSON.stringify(schema),
        );
      }
    });

    it('still decodes arrays and maps in several blocks, negative counts with byte sizes included', () => {
      const ints = createAvroType({ type: 'array', items: 'int' });
      const blocks = [avroLongBytes(-2n), avroLongBytes(2n), avroLongBytes(7n), avroLongBytes(-8n), avroLongBytes(1n), avroLongBytes(9n), avroLongBytes(0n)];
      assert.deepEqual(decodeAvroBinary(ints, Buffer.concat(blocks)), [7, -8, 9]);
      const nulls = createAvroType({ type: 'array', items: 'null' });
      assert.deepEqual(decodeAvroBinary(nulls, Buffer.concat([avroLongBytes(3n), avroLongBytes(0n)])), [null, null, null]);
      const nested = createAvroType(NESTED);
      const order = {
        id: -(2 ** 52) - 7, amount: { long: 2 ** 40 }, tag: 'x', channel: 'app', attrs: { a: -(2 ** 53) + 3, b: null },
        items: [{ sku: 'a', note: null, blob: Buffer.from([0, 255]) }, { sku: 'é', note: 'n', blob: Buffer.alloc(0) }],
      };
      assert.deepEqual(JSON.parse(JSON.stringify(decodeAvroBinary(nested, nested.toBuffer(order)))), JSON.parse(JSON.stringify(order)));
    });

    it('reads and writes longs exactly across the range a number holds, below -2^52 too', () => {
      const long = createAvroType('long');
      for (const value of [0n, -1n, 63n, -64n, 2n ** 49n, -(2n ** 52n), -(2n ** 52n) - 1n, -(2n ** 52n) - 3n, -(2n ** 53n) + 2n, 2n ** 53n - 2n]) {
        assert.equal(decodeAvroBinary(long, avroLongBytes(value)), Number(value), `decoding ${value}`);
        assert.deepEqual(long.toBuffer(Number(value)), avroLongBytes(value), `encoding ${value}`);
      }
    });
  });

  describe('jsonToAvro', () => {
    const nested = createAvroType(NESTED);
    const order = () => ({
      id: 9007199254740990,
      items: [
        { sku: 'a', note: 'plain', blob: 'héllo' },
        { sku: 'b', note: { string: 'wrapped' }, blob: '' },
        { sku: 'c', note: null, blob: '😀' },
        { sku: 'd', blob: 'no note' },
      ],
      attrs: { x: 1, y: null, z: { long: -5 } },
      amount: 12,
      tag: 3,
    });

    it('converts bytes from UTF-8, unions bare or in Avro JSON, defaults, recursively', () => {
      const converted = jsonToAvro(nested, order());
      assert.ok(nested.isValid(converted), 'the result is valid for the schema');
      assert.deepEqual(converted, {
        id: 9007199254740990,
        items: [
          { sku: 'a', note: 'plain', blob: Buffer.from('héllo', 'utf8') },
          { sku: 'b', note: 'wrapped', blob: Buffer.alloc(0) },
          { sku: 'c', note: null, blob: Buffer.from('😀', 'utf8') },
          { sku: 'd', note: null, blob: Buffer.from('no note', 'utf8') },
        ],
        attrs: { x: 1, y: null, z: -5 },
        amount: { int: 12 },
        tag: 3,
        channel: 'web',
      });
      assert.deepEqual(nested.fromBuffer(nested.toBuffer(converted)).items[0].blob.toString('utf8'), 'héllo');
    });

    it('picks union branches: wrapped for ambiguous unions, the first that fits for bare values', () => {
      const convert = (overrides: Record<string, unknown>) => jsonToAvro(nested, { ...order(), ...overrides }) as Record<string, unknown>;
      assert.deepEqual(convert({ amount: { long: 12 } }).amount, { long: 12 });
      assert.deepEqual(convert({ amount: 2 ** 40 }).amount, { long: 2 ** 40 });
      assert.equal(convert({ amount: null }).amount, null);
      assert.equal(convert({ tag: 'x' }).tag, 'x');
      assert.equal(convert({ tag: { int: 4 } }).tag, 4);
      assert.equal(convert({ tag: { string: 'y' } }).tag, 'y');
    });

    it('keeps JSON numbers for int and long, and returns an already valid value as it is', () => {
      const type = loadAvroSchema(PAGE_VIEW_FILE).type;
      const value = pageView({ ts: -1, duration_ms: -2147483648 });
      assert.equal(jsonToAvro(type, value), value);
      const converted = jsonToAvro(type, pageView({ referrer: { string: 'r' }, ts: 2 ** 50 })) as Record<string, unknown>;
      assert.equal(converted.ts, 2 ** 50);
      assert.equal(converted.referrer, 'r');
      assert.ok(type.isValid(converted));
    });

    const failures: [string, (o: ReturnType<typeof order>) => unknown, string][] = [
      ['a bare value no branch takes', (o) => ((o.items[2] as Record<string, unknown>).note = 5), 'items.2.note: expected ["null","string"], got 5'],
      ['a number for bytes', (o) => ((o.items[0] as Record<string, unknown>).blob = 1), 'items.0.blob: expected "bytes", got 1'],
      ['a fraction for a long', (o) => (o.id = 1.5), 'id: expected "long", got 1.5'],
      ['a long too big for a number', (o) => (o.attrs.x = 2 ** 53), 'attrs.x: expected ["null","long"], got 9007199254740992'],
      ['a missing field without default', (o) => delete (o.items[1] as Record<string, unknown>).sku, 'items.1.sku: missing'],
      ['an unknown union branch name', (o) => (o.items[0].note = { int: 1 } as never), 'items.0.note: expected ["null","string"], got {"int":1}'],
      ['an array where a record belongs', (o) => (o.items = [[]] as never), 'items.0: expected "Item", got []'],
    ];
    for (const [what, spoil, message] of failures) {
      it(`names the field path for ${what}`, () => {
        const value = order();
        spoil(value);
        assert.throws(
          () => jsonToAvro(nested, value),
          (e: unknown) => e instanceof JsonToAvroError && e.message.startsWith(`field ${message}`) && message.startsWith(e.field),
        );
      });
    }
  });
});
