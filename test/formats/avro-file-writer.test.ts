import { RecordColumns } from '../../src/protocol/record-columns';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as avro from 'avsc';
import { AvroFileWriteError, createAvroFileWriter, DEFAULT_DEFLATE_SYNC_INTERVAL, InvalidRecordError } from '../../src/formats/avro-file-writer';
import { createAvroType, loadAvroSchema, withMetadataColumns } from '../../src/formats/avro-schema';
import { flatJsonSchemaOf } from '../../src/formats/flat-json-schema';
import { FastJsonPath } from '../../src/pipeline/fast-json-path';
import { parsePartitionTemplate } from '../../src/table/partition-template';
import type { AvroCodec, AvroRecord } from '../../src/formats/record-file-writer';
import { useTempDir } from '../helpers/temp-dir';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-avro
const READ_AVRO_PY = path.resolve(__dirname, '../../../test/formats/read-avro.py');
const AVROCAT = '/usr/bin/avrocat'; // Debian's avro-bin (Avro C)
const PAGE_VIEW = loadAvroSchema(path.resolve(__dirname, '../../../schemas/page_view.avsc')).schema;
const SCHEMA = withMetadataColumns(PAGE_VIEW, ['partition', 'offset', 'timestamp', 'key']);
const FIELD_NAMES = (SCHEMA.fields ?? []).map((f) => f.name);
const UNION_FIELDS = new Set((SCHEMA.fields ?? []).filter((f) => Array.isArray(f.type)).map((f) => f.name));

// Avro C stops strings at NUL, so the texts leave it out; other control characters are in.
const TEXTS = ['plain', 'ünïcödé', '日本語のページ', '😀 emoji 🎉', 'quote " backslash \\ tab \t newline \n', 'ctrl \u0001\u001f', 'seps \u2028\u2029', 'e\u0301', ''];
// Longs at the edges of what a JavaScript number holds exactly, including below -2^52.
const EDGE_LONGS = [0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 2, -(2 ** 52), -(2 ** 52) - 1, -(2 ** 53) + 3, -9007199254740990];
const EDGE_INTS = [0, -1, 2147483647, -2147483648];

function pageViews(count: number): AvroRecord[] {
  let seed = 20240607;
  const random = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  const text = () => TEXTS[random(TEXTS.length)];
  return Array.from({ length: count }, (_, i) => ({
    ts: 1_700_000_000_000 + random(86_400_000) - (i % 11 === 0 ? 1_900_000_000_000 : 0),
    user_id: `user-${random(1_000_000)}`,
    session_id: `${random(1 << 30).toString(16)}-${text()}`,
    page: `/p/${text()}/${i}`,
    referrer: i % 3 === 0 ? null : `https://ref.example/${text()}`,
    user_agent: i === 1234 ? 'x'.repeat(40_000) + text() : `Mozilla/5.0 ${text()}`,
    duration_ms: i % 4 === 0 ? EDGE_INTS[random(EDGE_INTS.length)] : random(600_000),
    country: ['US', 'DE', 'JP', 'BR'][random(4)],
    _kafka_partition: random(64),
    _kafka_offset: i % 5 === 0 ? EDGE_LONGS[random(EDGE_LONGS.length)] : 1_000_000 + i,
    _kafka_timestamp: 1_700_000_000_000 - random(1 << 30) * 1000,
    _kafka_key: i % 4 === 1 ? null : `key-${random(1000)}-${text()}`,
  }));
}

function runReader(command: string, args: string[]): string[] {
  const out = execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.split('\n').filter((line) => line.length > 0);
}

/** python3-avro's view of the file: its metadata, then records as plain JSON. */
function readWithPython(file: string): { meta: Record<string, string | null>; records: AvroRecord[] } {
  const [meta, ...records] = runReader(PYTHON, [READ_AVRO_PY, file]).map((line) => JSON.parse(line));
  return { meta, records };
}

/** avrocat prints Avro's JSON encoding, where a non-null union value is {"<branch>": value}. */
function readWithAvrocat(file: string): AvroRecord[] {
  return runReader(AVROCAT, [file]).map((line) => {
    const record = JSON.parse(line) as AvroRecord;
    for (const name of UNION_FIELDS) {
      const value = record[name] as Record<string, unknown> | null;
      if (value !== null) {
        assert.deepEqual(Object.keys(value), ['string'], `avrocat's union encoding of ${name}`);
        record[name] = value.string;
      }
    }
    return record;
  });
}

function assertSameRecords(actual: AvroRecord[], expected: AvroRecord[], reader: string): void {
  assert.equal(actual.length, expected.length, `${reader}: record count`);
  for (let i = 0; i < expected.length; i++) {
    assert.deepEqual(Object.keys(actual[i]), FIELD_NAMES, `${reader}: fields of record ${i}`);
    for (const name of FIELD_NAMES) {
      assert.equal(actual[i][name], expected[i][name], `${reader}: record ${i}, field ${name}`);
    }
  }
}

describe('Avro file writer', () => {
  const tmp = useTempDir();

  for (const codec of ['null', 'deflate', 'snappy'] as AvroCodec[]) {
    it(`writes ${codec}-coded blocks that python3-avro and avrocat read back record for record`, async () => {
      const file = path.join(tmp(), `page-views.${codec}.avro`);
      const records = pageViews(3000);
      const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec, syncInterval: 8 * 1024 });
      for (const record of records) writer.write(record);
      const written = await writer.close();

      assert.deepEqual(written, { path: file, records: records.length, bytes: fs.statSync(file).size });
      const python = readWithPython(file);
      assert.equal(python.meta['avro.codec'], codec);
      assert.deepEqual(JSON.parse(python.meta['avro.schema'] ?? 'null'), SCHEMA);
      assertSameRecords(python.records, records, 'python3-avro');
      assertSameRecords(readWithAvrocat(file), records, 'avrocat');
    });
  }

  it('writes the same bytes for the same records and name: the sync marker comes from the name (syncSeed), not chance', async () => {
    const records = pageViews(500);
    const write = async (file: string, syncSeed?: string) => {
      const writer = createAvroFileWriter({ path: path.join(tmp(), file), schema: SCHEMA, codec: 'deflate', syncInterval: 4096, syncSeed });
      for (const record of records) writer.write(record);
      await writer.close();
      return fs.readFileSync(path.join(tmp(), file));
    };
    const first = await write('a.avro', 'dt=2026-11-21/hr=05/t+0+0+500+0.avro');
    const again = await write('b.avro', 'dt=2026-11-21/hr=05/t+0+0+500+0.avro');
    const other = await write('c.avro', 'dt=2026-11-21/hr=05/t+0+0+500+1.avro');
    assert.ok(first.equals(again), 'same name and records, same bytes');
    assert.equal(other.length, first.length);
    assert.ok(!other.equals(first), 'another name, another sync marker');
    assert.ok(!(await write('d.avro')).equals(await write('e.avro')), 'without a seed the marker follows the path');
    assertSameRecords(readWithPython(path.join(tmp(), 'b.avro')).records, records, 'python3-avro');
  });

  it('compresses: deflate and snappy files are smaller than the null-coded one', async () => {
    const records = pageViews(2000);
    const sizes: Record<string, number> = {};
    for (const codec of ['null', 'deflate', 'snappy'] as AvroCodec[]) {
      const writer = createAvroFileWriter({ path: path.join(tmp(), `${codec}.avro`), schema: SCHEMA, codec });
      for (const record of records) writer.write(record);
      sizes[codec] = (await writer.close()).bytes;
    }
    assert.ok(sizes.deflate < sizes.null * 0.8, `deflate ${sizes.deflate} vs null ${sizes.null}`);
    assert.ok(sizes.snappy < sizes.null * 0.9, `snappy ${sizes.snappy} vs null ${sizes.null}`);
  });

  it('takes a deflate level, and refuses levels, codecs and block sizes it cannot use', async () => {
    const records = pageViews(2000);
    const sizes: number[] = [];
    for (const deflateLevel of [1, 9]) {
      const file = path.join(tmp(), `level-${deflateLevel}.avro`);
      const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'deflate', deflateLevel });
      records.forEach((r) => writer.write(r));
      sizes.push((await writer.close()).bytes);
      assertSameRecords(readWithPython(file).records, records, `python3-avro, level ${deflateLevel}`);
    }
    assert.ok(sizes[1] < sizes[0], `level 9 (${sizes[1]} bytes) is smaller than level 1 (${sizes[0]} bytes)`);
    const file = path.join(tmp(), 'refused.avro');
    const refused: Parameters<typeof createAvroFileWriter>[0][] = [
      { path: file, schema: SCHEMA, codec: 'deflate', deflateLevel: 0 },
      { path: file, schema: SCHEMA, codec: 'lz4' as AvroCodec },
      { path: file, schema: SCHEMA, codec: 'null', syncInterval: 0 },
    ];
    for (const options of refused) {
      assert.throws(() => createAvroFileWriter(options), (e: unknown) => e instanceof AvroFileWriteError && e.path === file, JSON.stringify(options.codec));
    }
    assert.equal(fs.existsSync(file), false);
  });

  it('writes a valid file with no records', async () => {
    const file = path.join(tmp(), 'empty.avro');
    const written = await createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'deflate' }).close();
    assert.deepEqual(written, { path: file, records: 0, bytes: fs.statSync(file).size });
    const python = readWithPython(file);
    assert.equal(python.meta['avro.codec'], 'deflate');
    assert.deepEqual(python.records, []);
    assert.deepEqual(readWithAvrocat(file), []);
  });

  it('close() reports the file size on disk and the records written, and accepts no more', async () => {
    const file = path.join(tmp(), 'counted.avro');
    const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'null', syncInterval: 4096 });
    const records = pageViews(777);
    records.forEach((r) => writer.write(r));
    const written = await writer.close();
    assert.equal(written.records, 777);
    assert.equal(written.bytes, fs.statSync(file).size);
    assert.equal(readWithPython(file).records.length, written.records);
    assert.deepEqual(await writer.close(), written);
    assert.throws(() => writer.write(records[0]), (e: unknown) => e instanceof AvroFileWriteError && e.path === file);
  });

  it('abort() removes the file, whether or not records or a close came first', async () => {
    const cases = [['nothing', 0, 'no'], ['records', 500, 'no'], ['a close', 10, 'awaited'], ['a close still running', 10, 'running']] as const;
    for (const [what, count, close] of cases) {
      const file = path.join(tmp(), `aborted-after-${what.replace(/ /g, '-')}.avro`);
      const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'snappy', syncInterval: 2048 });
      pageViews(count).forEach((r) => writer.write(r));
      const closing = close === 'no' ? undefined : writer.close();
      if (close === 'awaited') await closing;
      assert.ok(fs.existsSync(file), `the file exists before abort (after ${what})`);
      await writer.abort();
      await closing;
      assert.equal(fs.existsSync(file), false, `abort after ${what} removed the file`);
      assert.throws(() => writer.write(pageViews(1)[0]), AvroFileWriteError);
      await assert.rejects(writer.close(), AvroFileWriteError);
    }
  });

  it('rejects a record that does not fit the schema, naming it, and keeps the others', async () => {
    const file = path.join(tmp(), 'with-bad-record.avro');
    const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'deflate' });
    const [first, second, third] = pageViews(3);
    writer.write(first);
    writer.write(second);
    assert.throws(
      () => writer.write({ ...third, referrer: 5, _kafka_offset: 1.5 }),
      (e: unknown) =>
        e instanceof InvalidRecordError &&
        e.recordIndex === 2 &&
        e.message.includes(file) &&
        e.problems.some((p) => p.startsWith('referrer:')) &&
        e.problems.some((p) => p.startsWith('_kafka_offset:')),
    );
    writer.write(third);
    assert.equal((await writer.close()).records, 3);
    assertSameRecords(readWithPython(file).records, [first, second, third], 'python3-avro');
  });

  it('fills deflate blocks up to 256 KiB by default, ending them where a full buffer would, from records or scanned JSON alike', async () => {
    const views = pageViews(6000).map(({ _kafka_partition, _kafka_offset, _kafka_timestamp, _kafka_key, ...view }) => view);
    const byRecords = createAvroFileWriter({ path: path.join(tmp(), 'records.avro'), schema: PAGE_VIEW, codec: 'deflate' });
    const byScans = createAvroFileWriter({ path: path.join(tmp(), 'scans.avro'), schema: PAGE_VIEW, codec: 'deflate', syncSeed: path.join(tmp(), 'records.avro') });
    const fast = new FastJsonPath(flatJsonSchemaOf(PAGE_VIEW, [], 'ts', 'millis')!, parsePartitionTemplate('dt={yyyy-MM-dd}'));
    for (const [offset, view] of views.entries()) {
      byRecords.write(view);
      const row = fast.accept(RecordColumns.of([{ offset, timestamp: 0, key: null, value: Buffer.from(JSON.stringify(view)), headers: [] }]), 0, 0);
      assert.ok(row, JSON.stringify(view));
      byScans.writeScanned!(row);
    }
    await Promise.all([byRecords.close(), byScans.close()]);
    const file = fs.readFileSync(path.join(tmp(), 'records.avro'));
    assert.ok(file.equals(fs.readFileSync(path.join(tmp(), 'scans.avro'))), 'the same bytes from records and from scanned JSON');

    // The blocks, read with avsc's own decoding of the container's longs; each record's size from avsc.
    const type = createAvroType(PAGE_VIEW);
    const long = avro.Type.forSchema('long');
    const header = avro.Type.forSchema({ type: 'map', values: 'bytes' }).decode(file, 4);
    const blockRecords: number[] = [];
    const blockBytes: number[] = [];
    for (let pos = header.offset + 16; pos < file.length; ) {
      const count = long.decode(file, pos);
      const size = long.decode(file, count.offset);
      blockRecords.push(count.value as number);
      blockBytes.push(zlib.inflateRawSync(file.subarray(size.offset, size.offset + (size.value as number))).length);
      pos = size.offset + (size.value as number) + 16;
    }
    assert.equal(blockRecords.reduce((a, b) => a + b, 0), views.length);
    assert.ok(blockBytes.length >= 3, `${blockBytes.length} blocks of ${blockBytes.join(', ')} bytes`);
    let first = 0;
    for (const [b, records] of blockRecords.entries()) {
      assert.ok(blockBytes[b] <= DEFAULT_DEFLATE_SYNC_INTERVAL, `block ${b}: ${blockBytes[b]} bytes`);
      if (b < blockRecords.length - 1) {
        const next = type.toBuffer(views[first + records]).length;
        assert.ok(blockBytes[b] + next > DEFAULT_DEFLATE_SYNC_INTERVAL, `block ${b} (${blockBytes[b]} bytes) had room for the next record (${next})`);
      }
      first += records;
    }
    assert.deepEqual(readWithPython(path.join(tmp(), 'scans.avro')).records, views, 'python3-avro');
    const avrocatPages = runReader(AVROCAT, [path.join(tmp(), 'scans.avro')]).map((line) => (JSON.parse(line) as AvroRecord).page);
    assert.deepEqual(avrocatPages, views.map((v) => v.page), 'avrocat');
  });

  it('fails with the path when the file cannot be created', () => {
    const file = path.join(tmp(), 'no-such-dir', 'x.avro');
    assert.throws(
      () => createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'null' }),
      (e: unknown) => e instanceof AvroFileWriteError && e.message.includes(file),
    );
  });
});
