import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { RunningBroker, startBroker } from '../helpers/broker';
import { storedCodecs } from '../helpers/stored-codecs';
import { KafkaProxy, startKafkaProxy } from '../helpers/kafka-proxy';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';

const PYTHON = '/usr/bin/python3'; // Debian's: python3-kafka, python3-confluent-kafka, python3-zstandard
const script = (name: string) => path.resolve(__dirname, '../../../test/clients', name);
const PRODUCE = 0;
const FETCH = 1;
const LIST_OFFSETS = 2;

function json<T>(result: { code: number | null; stdout: string; stderr: string }): T {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

describe('clients of other eras: old protocol versions, every librdkafka codec, Kafka 3.x-only clients', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  let proxy: KafkaProxy;
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 1, advertisedHost: '127.0.0.2', groups: { initialRebalanceDelayMs: 50 } });
    proxy = await startKafkaProxy(running.port);
  });
  afterEach(async () => {
    await proxy.close();
    await running.stop();
  });

  const OLD_PROTOCOLS = [
    { apiVersion: '0.10', codec: 'none', produce: 2, fetch: 2, format: 1 },
    { apiVersion: '0.10', codec: 'gzip', produce: 2, fetch: 2, format: 1 },
    { apiVersion: '0.9', codec: 'lz4', produce: 1, fetch: 1, format: 0 }, // lz4 with the pre-KIP-57 header checksum
  ];
  for (const { apiVersion, codec, produce, fetch, format } of OLD_PROTOCOLS) {
    it(`kafka-python with api_version=(${apiVersion}) (Produce v${produce}, Fetch v${fetch}, message format v${format}, ${codec}) round-trips, stored as v2 ${codec}`, async () => {
      const topic = `old-${codec}`;
      const count = 300;
      const { sent, received, timestamps } = json<{ sent: unknown[][]; received: unknown[][]; timestamps: (number | null)[] }>(
        await run(PYTHON, [script('kafka-python-old-protocol.py'), proxy.bootstrap, topic, String(count), codec, apiVersion]),
      );
      assert.deepEqual([...new Set(proxy.seen(PRODUCE).map((r) => r.apiVersion))], [produce], `the producer spoke Produce v${produce}`);
      assert.deepEqual([...new Set(proxy.seen(FETCH).map((r) => r.apiVersion))], [fetch], `the consumer spoke Fetch v${fetch}`);
      assert.deepEqual([...new Set(proxy.seen(LIST_OFFSETS).map((r) => r.apiVersion))], [0], 'seek_to_beginning asked ListOffsets v0');
      assert.equal(sent.length, count);
      assert.deepEqual(received, sent, 'every acknowledged (offset, key, value) comes back, in order');
      const expected = Array.from({ length: count }, (_, i) => (format === 1 ? 1_700_000_000_000 + i : null));
      assert.deepEqual(timestamps, expected, format === 1 ? 'message format v1 timestamps survive both conversions' : 'format v0 has no timestamps');
      const codecs = storedCodecs(running.dataDir, topic);
      assert.ok(codecs.length >= 1);
      assert.deepEqual([...new Set(codecs)], [codec], 'up-converted to RecordBatch v2 with the producer codec');
    });
  }

  // librdkafka enables each codec from ApiVersions (rdkafka_feature.c; librdkafka-features.test.ts holds the table):
  // gzip and snappy need Produce v0 in range, lz4 FindCoordinator v0, zstd Produce v7 and Fetch v10.
  it('librdkafka (confluent_kafka 2.0.2) compresses gzip, snappy, lz4 and zstd, each stored with that codec and read back', async () => {
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    const { read } = json<{ read: Record<string, string[]> }>(await run(PYTHON, [script('confluent-codecs.py'), running.bootstrap, 'rd', '200', codecs.join(',')]));
    const client = await KafkaClient.connect(running.bootstrap);
    try {
      for (const codec of codecs) {
        const expected = Array.from({ length: 200 }, (_, i) => `${codec} message ${i} ${'x'.repeat(i % 50)}`);
        assert.deepEqual(read[codec], expected, `${codec}: read back by librdkafka`);
        assert.deepEqual([...new Set(storedCodecs(running.dataDir, `rd-${codec}`))], [codec], `${codec}: librdkafka did compress`);
        const fetched = await client.fetch(`rd-${codec}`, 0, 0, { maxBytes: 1 << 20, maxWaitMs: 0 });
        assert.deepEqual(recordsFrom(fetched.records, 0).records.map((r) => r.value?.toString()), expected, `${codec}: read back by sluice's client (sluice consume's)`);
      }
    } finally {
      client.close();
    }
  });

  it('kafka-python (Fetch v4, its highest) reads zstd batches: sent as stored, as Kafka does for compression.type=producer', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `zstd line ${i} ${'y'.repeat(i % 80)}`);
    const produced = await run('kcat', ['-P', '-b', running.bootstrap, '-t', 'zstd-old', '-p', '0', '-z', 'zstd', '-X', 'linger.ms=20'], lines.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    assert.deepEqual([...new Set(storedCodecs(running.dataDir, 'zstd-old'))], ['zstd']);
    const { values } = json<{ values: string[] }>(await run(PYTHON, [script('kafka-python-read.py'), proxy.bootstrap, 'zstd-old', String(lines.length)]));
    assert.deepEqual([...new Set(proxy.seen(FETCH).map((r) => r.apiVersion))], [4], 'kafka-python 2.0.2 fetches with v4');
    assert.deepEqual(values, lines);
  });

  it('kafka-python (Produce v7+ since sluice serves Kafka 2.4+ versions) sends gzip, snappy, lz4 and zstd, each stored with that codec and read back', async () => {
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    const { read } = json<{ read: Record<string, string[]> }>(await run(PYTHON, [script('kafka-python-codecs.py'), proxy.bootstrap, 'kp', '150', codecs.join(',')]));
    for (const codec of codecs) {
      const expected = Array.from({ length: 150 }, (_, i) => `${codec} message ${i} ${'z'.repeat(i % 40)}`);
      assert.deepEqual(read[codec], expected, codec);
      assert.deepEqual([...new Set(storedCodecs(running.dataDir, `kp-${codec}`))], [codec], `${codec}: stored compressed`);
      const kcat = await run('kcat', ['-C', '-b', running.bootstrap, '-t', `kp-${codec}`, '-e', '-q']);
      assert.equal(kcat.code, 0, kcat.stderr);
      assert.deepEqual(kcat.stdout.trimEnd().split('\n'), expected, `${codec}: kcat reads kafka-python's batches`);
      const consumed = await run(process.execPath, [SLUICE_BIN, 'consume', '--bootstrap-server', running.bootstrap, '--topic', `kp-${codec}`, '--from-beginning', '-e']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trimEnd().split('\n'), expected, `${codec}: sluice consume reads kafka-python's batches`);
      const dump = await run(process.execPath, [SLUICE_BIN, 'log', 'dump', path.join(running.dataDir, `kp-${codec}-0`)]);
      assert.equal(dump.code, 0, dump.stderr);
      const shown = [...dump.stdout.matchAll(/ compression (\w+) /g)].map((m) => m[1]);
      assert.ok(shown.length > 0, dump.stdout);
      assert.deepEqual([...new Set(shown)], [codec], `${codec}: sluice log dump shows the codec`);
    }
    assert.ok(proxy.seen(PRODUCE).every((r) => r.apiVersion >= 7), 'zstd needs Produce v7');
  });

  it('@platformatic/kafka: CreateTopics v7, Metadata with topic ids, produce, fetch by topic id, group consume and resume, DeleteTopics', async () => {
    const count = 40;
    const result = json<{
      created: { id: string; partitions: number }; metadataId: string; partitions: number; sent: [number, string, string][];
      received: [number, number, string, string][]; grouped: [number, number, string][]; resumed: [number, number, string][]; afterDelete: string[];
    }>(await run(process.execPath, [script('platformatic-kafka.mjs'), running.bootstrap, 'plat', String(count)], undefined, { cwd: path.resolve(__dirname, '../../..') }));
    assert.match(result.created.id, /^[0-9a-f]{8}-/);
    assert.equal(result.metadataId, result.created.id, 'Metadata answers the id CreateTopics gave');
    assert.equal(result.partitions, 2);
    const byPartition = (p: number) => result.received.filter((r) => r[0] === p);
    for (const p of [0, 1]) {
      assert.deepEqual(byPartition(p).map((r) => r[1]), Array.from({ length: count / 2 }, (_, i) => i), `partition ${p}: offsets 0.. in order`);
      assert.deepEqual(byPartition(p).map((r) => [r[2], r[3]]), result.sent.filter((s) => s[0] === p).map((s) => [s[1], s[2]]));
    }
    const sorted = (rows: unknown[][]) => rows.map((r) => r.join('|')).sort();
    assert.deepEqual(sorted(result.grouped), sorted(result.received.map((r) => [r[0], r[1], r[3]])), 'a group member reads every message once');
    assert.deepEqual(sorted(result.resumed), sorted([[0, 20, 'later-0'], [1, 20, 'later-1'], [0, 21, 'later-2'], [1, 21, 'later-3']]), 'the next member resumes at the committed offsets');
    assert.ok(!result.afterDelete.includes('plat'), 'deleted');
    assert.ok(!fs.existsSync(path.join(running.dataDir, 'plat-0')));
  });
});
