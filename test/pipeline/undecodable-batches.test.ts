import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { compressedBatch, corruptLastStoredBatch, flipBitInLastStoredBatch } from '../helpers/compressed-batches';
import { listFiles, pageViewValues, REPO, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  lastOffset?: number;
  records?: number;
  error: string;
  batch?: string;
  batchBaseOffset?: number;
  batchLastOffset?: number;
}

const views = (from: number, count: number): RecordInput[] => pageViewValues(from, count, (i) => START + i * 1000)
  .map((v) => ({ key: Buffer.from(v.key), value: v.value, timestamp: v.timestamp }));

describe('batches the loader cannot decode become dead letters (sluice load, verify, status)', function () {
  this.timeout(90_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  let client: KafkaClient;
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 2 });
    client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('page_views', 2);
  });
  afterEach(async () => {
    client.close();
    await running.stop();
  });

  /** The batch stored at `offset`, exactly as the broker serves it. */
  const storedBatch = async (partition: number, offset: number) => {
    const { records } = await client.fetch('page_views', partition, offset, { maxBytes: 1 << 20, maxWaitMs: 0, minBytes: 0 });
    return records.subarray(0, 12 + records.readInt32BE(8));
  };

  it('a corrupt zstd batch of 500 and a 100-record batch with a bad CRC: everything else loads, each batch is one dead letter with its bytes and offsets, and counts per record toward maxPercent', async () => {
    await client.produce('page_views', 0, compressedBatch(views(0, 1000), 'gzip'));
    await client.produce('page_views', 1, buildRecordBatch(views(1000, 1000)));
    const job = (maxPercent: number) => writeJob(tmp(), { badRecords: { maxPercent }, output: { formats: ['avro'], avroCodec: 'deflate', sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, running.bootstrap);
    assert.equal((await sluice(['load', '--job', job(10)])).code, 0);

    // Partition 0: a zstd batch whose compressed body is zeros (its CRC made to match), then good lz4 records.
    await client.produce('page_views', 0, compressedBatch(views(2000, 500), 'zstd'));
    corruptLastStoredBatch(running.dataDir, 'page_views', 0);
    await client.produce('page_views', 0, compressedBatch(views(2500, 1000), 'lz4'));
    // Partition 1: an uncompressed batch with one bit flipped and its CRC left as it was, then good records.
    await client.produce('page_views', 1, buildRecordBatch(views(3500, 100)));
    flipBitInLastStoredBatch(running.dataDir, 'page_views', 1);
    await client.produce('page_views', 1, buildRecordBatch(views(3600, 500)));
    const zstdBatch = await storedBatch(0, 1000);
    const crcBatch = await storedBatch(1, 1000);

    // status reads the first record not loaded yet, in the corrupt batch: the broker is not to blame.
    const status = await sluice(['status', '--jobs', path.dirname(job(10)), '--json']);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const shown = JSON.parse(status.stdout) as { ok: boolean; jobs: { broker: { reachable: boolean; error?: string }; partitions: { partition: number; lagRecords: number; lagMs: number }[] }[] };
    assert.deepEqual(shown.jobs[0].broker, { bootstrap: running.bootstrap, reachable: true });
    assert.deepEqual(shown.jobs[0].partitions.map((p) => [p.partition, p.lagRecords]), [[0, 1500], [1, 600]]);
    assert.ok(shown.jobs[0].partitions[0].lagMs > Date.now() - (START + 2000 * 1000) - 60_000, 'lag in time from the corrupt batch\'s header');

    // 600 bad records of 2100 read (28.6%): over a 10% limit the run fails and commits nothing.
    const refused = await sluice(['load', '--job', job(10)]);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /600 of 2100 records are bad \(28\.57%, limit 10%\): nothing was committed\n/);
    assert.match(refused.stderr, /\n {2}cannot decode the batch: .*cannot decompress zstd.*: 500 records, offsets 0:1000\.\.1499\n/);
    assert.match(refused.stderr, /\n {2}cannot decode the batch: CRC-32C does not match the header: 100 records, offsets 1:1000\.\.1099\n/);
    const failedRun = /--run (\S+)\)/.exec(refused.stderr)![1];
    assert.deepEqual(listFiles(path.join(tmp(), 'warehouse/page_views/_dead_letter')), [
      `_failed/${failedRun}/_run.json`, `_failed/${failedRun}/page_views+0+1000+2500.jsonl`, `_failed/${failedRun}/page_views+1+1000+1600.jsonl`,
    ], 'only the failed run\'s dead letters, kept apart');

    const loaded = await sluice(['load', '--job', job(30)]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /partition 0: offsets 1000\.\.2500, 1000 records, 500 bad/);
    assert.match(loaded.stdout, /partition 1: offsets 1000\.\.1600, 500 records, 100 bad/);

    const table = path.join(tmp(), 'warehouse/page_views');
    const deadLetters = listFiles(path.join(table, '_dead_letter')).filter((f) => !f.startsWith('_failed/'));
    assert.deepEqual(deadLetters, ['page_views+0+1000+2500.jsonl', 'page_views+1+1000+1600.jsonl']);
    const read = (file: string) => fs.readFileSync(path.join(table, '_dead_letter', file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DeadLetter);
    const [zstd] = read(deadLetters[0]);
    const [crc] = read(deadLetters[1]);
    assert.equal(read(deadLetters[0]).length, 1, 'one line for the whole batch');
    assert.deepEqual([zstd.partition, zstd.offset, zstd.lastOffset, zstd.records, zstd.batchBaseOffset, zstd.batchLastOffset], [0, 1000, 1499, 500, 1000, 1499]);
    assert.match(zstd.error, /^cannot decode the batch at offsets 1000\.\.1499: .*cannot decompress zstd/);
    assert.deepEqual(Buffer.from(zstd.batch!, 'base64'), zstdBatch, 'the raw batch, byte for byte');
    assert.deepEqual([crc.partition, crc.offset, crc.lastOffset, crc.records], [1, 1000, 1099, 100]);
    assert.match(crc.error, /^cannot decode the batch at offsets 1000\.\.1099: CRC-32C is \d+, the header says \d+/);
    assert.deepEqual(Buffer.from(crc.batch!, 'base64'), crcBatch);

    const verify = await sluice(['verify', '--job', job(30)]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /partition 0: offsets 0\.\.2500 in 2 ranges, 2000 records, 500 bad/);
    assert.match(verify.stdout, /partition 1: offsets 0\.\.1600 in 2 ranges, 1500 records, 100 bad/);
    assert.match(verify.stdout, /verify: OK/);

    // Read back by python3-avro: every good offset once; with the dead letters' offsets, every offset exactly once.
    const avroFiles = listFiles(table).filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
    const avro = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...avroFiles]);
    assert.equal(avro.code, 0, avro.stderr);
    const seen = new Map<string, number>();
    const see = (p: number, o: number) => seen.set(`${p}/${o}`, (seen.get(`${p}/${o}`) ?? 0) + 1);
    for (const line of avro.stdout.trim().split('\n')) for (const [p, o] of (JSON.parse(line) as { rows: number[][] }).rows) see(p, o);
    assert.equal(seen.size, 3500);
    for (const letter of [zstd, crc]) for (let o = letter.offset; o <= letter.lastOffset!; o++) see(letter.partition, o);
    for (const [p, end] of [[0, 2500], [1, 1600]]) for (let o = 0; o < end; o++) assert.equal(seen.get(`${p}/${o}`), 1, `partition ${p} offset ${o} once`);

    const after = await sluice(['status', '--jobs', path.dirname(job(30))]);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /dead letters: 600 records/);
  });
});
