import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { BATCH_LENGTH_POS, BatchHeader, LOG_OVERHEAD, readBatchHeader } from '../../src/protocol/record-batch';
import { RunningBroker, startBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import * as os from 'node:os';

const SOURCE = path.resolve(__dirname, '../../../test/clients/sarama/main.go');
const DAY_MS = 24 * 3600 * 1000;

function batchHeaders(records: Buffer): BatchHeader[] {
  const headers: BatchHeader[] = [];
  for (let pos = 0; pos + LOG_OVERHEAD <= records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_POS)) {
    headers.push(readBatchHeader(records, pos));
  }
  return headers;
}

/** Builds the sarama client against Debian's golang-github-shopify-sarama-dev (GOPATH mode, no network). */
async function buildSaramaClient(dir: string): Promise<string> {
  const binary = path.join(dir, 'sarama-client');
  const env = { ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOCACHE: process.env.GOCACHE ?? '/tmp/sluice-go-cache' };
  const built = await run('go', ['build', '-o', binary, SOURCE], undefined, { env });
  assert.equal(built.code, 0, `go build: ${built.stderr}`);
  return binary;
}

describe('sarama (Go, Debian golang-github-shopify-sarama-dev)', function () {
  this.timeout(120_000);
  let buildDir: string;
  let sarama: string;
  let running: RunningBroker;
  let client: KafkaClient;

  before(async () => {
    buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-sarama-'));
    sarama = await buildSaramaClient(buildDir);
  });
  after(() => fs.rmSync(buildDir, { recursive: true, force: true }));
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 2 });
    client = await KafkaClient.connect(running.bootstrap);
  });
  afterEach(async () => {
    client.close();
    await running.stop();
  });

  it('keeps batches whose maxTimestamp sarama left at -1 through retention, and indexes them by time', async () => {
    // Small segments, so most of the data sits in closed segments that retention may delete.
    await client.createTopic('sarama-ts', 1, { 'segment.bytes': '1024' });
    const before = Date.now();
    const produced = await run(sarama, ['produce', running.bootstrap, 'sarama-ts', '60']);
    assert.equal(produced.code, 0, produced.stderr);
    assert.match(produced.stdout, /produced 60/);
    const after = Date.now();

    const batches = batchHeaders((await client.fetch('sarama-ts', 0, 0, { maxWaitMs: 0, maxBytes: 1 << 20 })).records);
    assert.ok(batches.length > 1, 'sarama sends one batch per message here');
    for (const batch of batches) {
      assert.ok(batch.maxTimestamp >= before - 1000 && batch.maxTimestamp <= after + 1000, `batch at ${batch.baseOffset}: maxTimestamp ${batch.maxTimestamp} is the record's time`);
    }
    assert.ok(running.broker.logs.partition('sarama-ts', 0).logStartOffset === 0);

    running.broker.logs.enforceRetention(); // the default retention.ms is 7 days: nothing here is that old
    const partition = running.broker.logs.partition('sarama-ts', 0);
    assert.equal(partition.logStartOffset, 0, 'retention deleted nothing');
    assert.equal(partition.logEndOffset, 60);

    assert.deepEqual(await client.offsetFor('sarama-ts', 0, before - DAY_MS), { offset: 0, timestamp: batches[0].maxTimestamp });
    const middle = batches[Math.floor(batches.length / 2)];
    const found = await client.offsetFor('sarama-ts', 0, middle.maxTimestamp);
    assert.ok(found.offset <= middle.baseOffset && found.timestamp === middle.maxTimestamp, `offsets-for-times answered ${JSON.stringify(found)}`);
    assert.equal((await client.offsetFor('sarama-ts', 0, after + DAY_MS)).offset, -1, 'a time after every record finds none');
  });

  it('consumes in a group: a sarama ConsumerGroup member reads every message and commits its offsets', async () => {
    await client.createTopic('sarama-group', 2);
    const produced = await run(sarama, ['produce', running.bootstrap, 'sarama-group', '40']);
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await run(sarama, ['group', running.bootstrap, 'sarama-readers', 'sarama-group', '40']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const values = consumed.stdout.trim().split('\n').map((line) => line.split(' ')[2]).sort();
    assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => `sarama-${i}`).sort());
    const more = await run(sarama, ['produce', running.bootstrap, 'sarama-group', '10']);
    assert.equal(more.code, 0, more.stderr);
    const resumed = await run(sarama, ['group', running.bootstrap, 'sarama-readers', 'sarama-group', '10']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const next = resumed.stdout.trim().split('\n').map((line) => line.split(' ')[2]).sort();
    assert.deepEqual(next, Array.from({ length: 10 }, (_, i) => `sarama-${i}`).sort(), 'a new member resumes at the committed offsets: only the 10 new ones');
    assert.ok(resumed.stdout.trim().split('\n').every((line) => Number(line.split(' ')[1]) >= 20), 'offsets past the first 40 (20 per partition)');
  });
});
