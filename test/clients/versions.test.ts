import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { KafkaProxy, startKafkaProxy } from '../helpers/kafka-proxy';
import { run } from '../helpers/processes';

const PYTHON = '/usr/bin/python3'; // Debian's: python3-kafka, python3-confluent-kafka, python3-zstandard
const script = (name: string) => path.resolve(__dirname, '../../../test/clients', name);
const PRODUCE = 0;
const FETCH = 1;

/** The codec and magic of every stored batch of partition 0, as `sluice log dump` prints them. */
async function storedBatches(dataDir: string, topic: string): Promise<string[]> {
  const dump = await run(process.execPath, [SLUICE_BIN, 'log', 'dump', path.join(dataDir, `${topic}-0`)]);
  assert.equal(dump.code, 0, dump.stderr);
  return [...dump.stdout.matchAll(/compression (\w+)/g)].map((m) => m[1]);
}

function json<T>(result: { code: number | null; stdout: string; stderr: string }): T {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

describe('clients of other eras: old protocol versions, every librdkafka codec, Kafka 3.x-only clients', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  let proxy: KafkaProxy;
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 1, advertisedHost: '127.0.0.2' });
    proxy = await startKafkaProxy(running.port);
  });
  afterEach(async () => {
    await proxy.close();
    await running.stop();
  });

  for (const codec of ['none', 'gzip']) {
    it(`kafka-python with api_version=(0, 10) (Produce v2, Fetch v2, message format v1, ${codec}) round-trips, stored as v2 ${codec}`, async () => {
      const topic = `old-${codec}`;
      const count = 300;
      const { sent, received, timestamps } = json<{ sent: unknown[][]; received: unknown[][]; timestamps: number[] }>(
        await run(PYTHON, [script('kafka-python-old-protocol.py'), proxy.bootstrap, topic, String(count), codec]),
      );
      assert.deepEqual([...new Set(proxy.seen(PRODUCE).map((r) => r.apiVersion))], [2], 'the producer spoke Produce v2');
      assert.deepEqual([...new Set(proxy.seen(FETCH).map((r) => r.apiVersion))], [2], 'the consumer spoke Fetch v2');
      assert.equal(sent.length, count);
      assert.deepEqual(received, sent, 'every acknowledged (offset, key, value) comes back, in order');
      assert.deepEqual(timestamps, Array.from({ length: count }, (_, i) => 1_700_000_000_000 + i), 'message format v1 timestamps survive both conversions');
      const codecs = await storedBatches(running.dataDir, topic);
      assert.ok(codecs.length >= 1);
      assert.deepEqual([...new Set(codecs)], [codec], 'up-converted to RecordBatch v2 with the producer codec');
    });
  }

  it('librdkafka (confluent_kafka 2.0.2) compresses gzip, snappy and zstd, stored with that codec and read back', async () => {
    const codecs = ['gzip', 'snappy', 'zstd'];
    const { read } = json<{ read: Record<string, string[]> }>(await run(PYTHON, [script('confluent-codecs.py'), running.bootstrap, 'rd', '200', codecs.join(',')]));
    for (const codec of codecs) {
      assert.equal(read[codec].length, 200, `${codec}: read back`);
      assert.equal(read[codec][199], `${codec} message 199 ${'x'.repeat(199 % 50)}`);
      assert.deepEqual([...new Set(await storedBatches(running.dataDir, `rd-${codec}`))], [codec], `${codec}: librdkafka did compress`);
    }
  });

  // librdkafka enables lz4 only when the broker lists FindCoordinator (API 10) v0 in ApiVersions
  // (rdkafka_feature.c, RD_KAFKA_FEATURE_LZ4): this passes once the group coordinator is served.
  it('librdkafka (confluent_kafka 2.0.2) compresses lz4, stored as lz4 and read back', async () => {
    const { read } = json<{ read: Record<string, string[]> }>(await run(PYTHON, [script('confluent-codecs.py'), running.bootstrap, 'rd', '200', 'lz4']));
    assert.equal(read.lz4.length, 200);
    assert.deepEqual([...new Set(await storedBatches(running.dataDir, 'rd-lz4'))], ['lz4'], 'librdkafka did compress lz4 (needs FindCoordinator v0 advertised)');
  });

  it('kafka-python (Fetch v4, its highest) reads zstd batches: sent as stored, as Kafka does for compression.type=producer', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `zstd line ${i} ${'y'.repeat(i % 80)}`);
    const produced = await run('kcat', ['-P', '-b', running.bootstrap, '-t', 'zstd-old', '-p', '0', '-z', 'zstd', '-X', 'linger.ms=20'], lines.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    assert.deepEqual([...new Set(await storedBatches(running.dataDir, 'zstd-old'))], ['zstd']);
    const { values } = json<{ values: string[] }>(await run(PYTHON, [script('kafka-python-read.py'), proxy.bootstrap, 'zstd-old', String(lines.length)]));
    assert.deepEqual([...new Set(proxy.seen(FETCH).map((r) => r.apiVersion))], [4], 'kafka-python 2.0.2 fetches with v4');
    assert.deepEqual(values, lines);
  });

  it('@platformatic/kafka: CreateTopics v7, Metadata with topic ids, produce, fetch by topic id, DeleteTopics', async () => {
    const count = 40;
    const result = json<{
      created: { id: string; partitions: number }; metadataId: string; partitions: number; sent: [number, string, string][];
      received: [number, number, string, string][]; afterDelete: string[];
    }>(await run(process.execPath, [script('platformatic-kafka.mjs'), running.bootstrap, 'plat', String(count)], undefined, { cwd: path.resolve(__dirname, '../../..') }));
    assert.match(result.created.id, /^[0-9a-f]{8}-/);
    assert.equal(result.metadataId, result.created.id, 'Metadata answers the id CreateTopics gave');
    assert.equal(result.partitions, 2);
    const byPartition = (p: number) => result.received.filter((r) => r[0] === p);
    for (const p of [0, 1]) {
      assert.deepEqual(byPartition(p).map((r) => r[1]), Array.from({ length: count / 2 }, (_, i) => i), `partition ${p}: offsets 0.. in order`);
      assert.deepEqual(byPartition(p).map((r) => [r[2], r[3]]), result.sent.filter((s) => s[0] === p).map((s) => [s[1], s[2]]));
    }
    assert.ok(!result.afterDelete.includes('plat'), 'deleted');
    assert.ok(!fs.existsSync(path.join(running.dataDir, 'plat-0')));
  });
});
