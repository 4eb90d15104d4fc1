import { strict as assert } from 'node:assert';
import { KafkaRecordSource } from '../../connectors/sources/kafka-source';
import { KafkaClient } from '../../src/client/kafka-client';
import { SourceDecodeError, SourceKafkaError, SourceRetryPolicy, SourceTimeoutError, UndecodableBatch } from '../../src/ports/record-source';
import { KafkaErrors } from '../../src/protocol/error-codes';
import type { DecodedRecord } from '../../src/protocol/records';
import { RunningBroker, startBroker } from '../helpers/broker';
import { BatchCodec, compressedBatch, corruptLastStoredBatch } from '../helpers/compressed-batches';
import { API, decodeListOffsets, fetchErrorAnswer, KafkaProxy, listOffsetsErrorAnswer, SeenRequest, startKafkaProxy } from '../helpers/kafka-proxy';

const TOPIC = 'page_views';
const FAST: SourceRetryPolicy = { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 };
const NOT_LEADER = KafkaErrors.NOT_LEADER_OR_FOLLOWER.code;

const values = (label: string, count: number) => Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${label}:${i}`), timestamp: 1_700_000_000_000 + i }));
const text = (records: DecodedRecord[]) => records.map((r) => r.value!.toString());

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return condition();
}

/** The requests of one API from the `from`-th on, and the API keys seen in between, for ordering checks. */
const keysAfter = (proxy: KafkaProxy, first: SeenRequest) => proxy.requests.slice(proxy.requests.indexOf(first) + 1).map((r) => r.apiKey);

describe('KafkaRecordSource against the sluice broker, through a Kafka-aware proxy', function () {
  this.timeout(30_000);
  let running: RunningBroker;
  let proxy: KafkaProxy;
  let admin: KafkaClient;
  let source: KafkaRecordSource | undefined;

  const open = async (options: { requestTimeoutMs?: number; fetchMaxBytes?: number } = {}) => {
    source = await KafkaRecordSource.open(proxy.bootstrap, TOPIC, { retry: FAST, ...options });
    proxy.requests.length = 0; // count only what the source does from here on
    return source;
  };

  beforeEach(async () => {
    // The broker advertises 127.0.0.2, where the proxy listens on the broker's port: every connection goes through it.
    running = await startBroker({ numPartitions: 6, advertisedHost: '127.0.0.2' });
    proxy = await startKafkaProxy(running.port);
    admin = await KafkaClient.connect(running.bootstrap);
    await admin.createTopic(TOPIC, 6);
  });
  afterEach(async () => {
    source?.close();
    source = undefined;
    admin.close();
    await proxy.close();
    await running.stop();
  });

  it('asks for the earliest and the latest offsets of every partition of a leader in one ListOffsets request each', async () => {
    for (let p = 0; p < 6; p++) await admin.produce(TOPIC, p, compressedBatch(values(`p${p}`, 3 * (p + 1)), 'none'));
    const s = await open();
    const ranges = await s.offsetRanges([0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...ranges].map(([p, r]) => [p, r.earliest, r.latest]), [0, 1, 2, 3, 4, 5].map((p) => [p, 0, 3 * (p + 1)]));
    const asked = proxy.seen(API.ListOffsets).map(decodeListOffsets);
    assert.equal(asked.length, 2, 'one request for earliest, one for latest (Kafka refuses a partition twice in one request)');
    assert.deepEqual(asked.map((r) => r.topics[0].partitions.map((p) => [p.partitionIndex, p.timestamp])).sort(), [
      [0, 1, 2, 3, 4, 5].map((p) => [p, -1]), [0, 1, 2, 3, 4, 5].map((p) => [p, -2]),
    ]);

    proxy.requests.length = 0;
    const byTime = await s.offsetsForTime([0, 1, 2, 3, 4, 5], 1_700_000_000_000 + 2);
    assert.deepEqual([...byTime.values()], [2, 2, 2, 2, 2, 2]);
    assert.equal(proxy.seen(API.ListOffsets).length, 1, 'every partition had a match: one request');
  });

  it('retries a Fetch answered NOT_LEADER_OR_FOLLOWER twice, refreshing the metadata before each retry', async () => {
    await admin.produce(TOPIC, 0, compressedBatch(values('a', 10), 'none'));
    const s = await open();
    let refused = 0;
    proxy.decide = (request) => (request.apiKey === API.Fetch && refused++ < 2 ? fetchErrorAnswer(NOT_LEADER) : 'forward');
    const got: DecodedRecord[] = [];
    assert.equal(await s.read(0, 0, 10, (records) => void got.push(...records.toRecords())), 10);
    assert.deepEqual(text(got), values('a', 10).map((v) => v.value.toString()));
    const fetches = proxy.seen(API.Fetch);
    assert.equal(fetches.length, 3);
    // Between each refused fetch and the next one, the source asked for metadata.
    for (const refusedFetch of fetches.slice(0, 2)) {
      const after = keysAfter(proxy, refusedFetch);
      assert.ok(after.indexOf(API.Metadata) >= 0 && after.indexOf(API.Metadata) < after.indexOf(API.Fetch), `metadata before the retry: ${after}`);
    }
  });

  it('retries a ListOffsets answered NOT_LEADER_OR_FOLLOWER after a metadata refresh', async () => {
    await admin.produce(TOPIC, 2, compressedBatch(values('a', 4), 'none'));
    const s = await open();
    let refused = 0;
    proxy.decide = (request) => (request.apiKey === API.ListOffsets && refused++ < 1 ? listOffsetsErrorAnswer(NOT_LEADER) : 'forward');
    assert.deepEqual(await s.offsets(2), { earliest: 0, latest: 4 });
    assert.equal(proxy.seen(API.ListOffsets).length, 3, 'earliest refused once, then asked again; latest once');
    assert.ok(proxy.seen(API.Metadata).length >= 1);
  });

  it('gives up after its attempts with a typed, retriable error naming the partition and the broker', async () => {
    await admin.produce(TOPIC, 0, compressedBatch(values('a', 10), 'none'));
    const s = await open();
    proxy.decide = (request) => (request.apiKey === API.Fetch ? fetchErrorAnswer(NOT_LEADER) : 'forward');
    const error = await s.read(0, 0, 10, () => undefined).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof SourceKafkaError, String(error));
    assert.equal(error.errorName, 'NOT_LEADER_OR_FOLLOWER');
    assert.equal(error.retriable, true);
    assert.equal(error.attempts, FAST.maxAttempts);
    assert.deepEqual([error.topic, error.partition, error.broker], [TOPIC, 0, proxy.bootstrap]);
    assert.match(error.message, new RegExp(`^page_views-0 \\(broker ${proxy.bootstrap}\\): NOT_LEADER_OR_FOLLOWER: .* \\(gave up after 3 attempts\\)$`));
    assert.equal(proxy.seen(API.Fetch).length, FAST.maxAttempts);
  });

  it('fails at once on TOPIC_AUTHORIZATION_FAILED, naming the topic and the principal the broker saw', async () => {
    await admin.produce(TOPIC, 0, compressedBatch(values('a', 10), 'none'));
    const s = await open();
    proxy.decide = (request) => (request.apiKey === API.Fetch ? fetchErrorAnswer(KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code) : 'forward');
    const error = await s.read(0, 0, 10, () => undefined).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof SourceKafkaError, String(error));
    assert.equal(error.errorName, 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(error.retriable, false);
    assert.match(error.message, /^page_views-0 \(broker .*\): TOPIC_AUTHORIZATION_FAILED: fetch from page_views-0 at offset 0 \(error 29\): User:ANONYMOUS is not authorized$/);
    assert.equal(proxy.seen(API.Fetch).length, 1, 'not retried');
  });

  it('times out a Fetch the broker never answers, then reconnects and reads on', async () => {
    await admin.produce(TOPIC, 0, compressedBatch(values('a', 10), 'none'));
    const s = await open({ requestTimeoutMs: 300 });
    let swallowed = 0;
    proxy.decide = (request) => (request.apiKey === API.Fetch && swallowed++ < 1 ? 'swallow' : 'forward');
    const started = Date.now();
    const got: DecodedRecord[] = [];
    assert.equal(await s.read(0, 0, 10, (records) => void got.push(...records.toRecords())), 10);
    assert.equal(got.length, 10);
    assert.ok(Date.now() - started >= 300, 'waited for the timeout');
    const [stalled, retried] = proxy.seen(API.Fetch);
    assert.ok(retried.at - stalled.at >= 300, 'the retry went out after the timeout');
  });

  it('a read\'s signal drops the fetch in flight at once and makes no retry: the read resolves with the offset it had reached', async () => {
    await admin.produce(TOPIC, 0, compressedBatch(values('a', 10), 'none'));
    await admin.produce(TOPIC, 0, compressedBatch(values('b', 10), 'none'));
    const s = await open({ requestTimeoutMs: 30_000, fetchMaxBytes: 1 });
    proxy.decide = (request) => (request.apiKey === API.Fetch && proxy.seen(API.Fetch).length > 1 ? 'swallow' : 'forward');
    const stop = new AbortController();
    const got: DecodedRecord[] = [];
    const started = Date.now();
    const reading = s.read(0, 0, 20, (records) => void got.push(...records.toRecords()), undefined, { signal: stop.signal });
    assert.ok(await until(() => proxy.seen(API.Fetch).length === 2, 5_000), 'the second fetch went out');
    stop.abort();
    assert.equal(await reading, 10, 'ended after the first batch, the one it had');
    assert.ok(Date.now() - started < 5_000, 'without waiting for the request timeout');
    assert.deepEqual(text(got), values('a', 10).map((v) => v.value.toString()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(proxy.seen(API.Fetch).length, 2, 'no retry after the stop');
  });

  it('times out a Metadata request too, and fails a stalled read with SourceTimeoutError once its attempts are used', async () => {
    await admin.produce(TOPIC, 0, compressedBatch(values('a', 10), 'none'));
    const s = await open({ requestTimeoutMs: 200 });
    let swallowed = 0;
    proxy.decide = (request) => (request.apiKey === API.Metadata && swallowed++ < 1 ? 'swallow' : 'forward');
    assert.deepEqual(await s.partitions(), [0, 1, 2, 3, 4, 5]);
    assert.ok(proxy.seen(API.Metadata).length >= 2, 'asked again after the timeout');

    proxy.decide = (request) => (request.apiKey === API.Fetch ? 'swallow' : 'forward');
    const started = Date.now();
    const error = await s.read(0, 0, 10, () => undefined).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof SourceTimeoutError, String(error));
    assert.equal(error.retriable, true);
    assert.equal(error.timeoutMs, 200);
    assert.match(error.message, new RegExp(`^page_views-0 \\(broker ${proxy.bootstrap}\\): .*no answer within 200 ms \\(gave up after 3 attempts\\)$`));
    assert.ok(Date.now() - started >= 3 * 200);
    assert.equal(proxy.seen(API.Fetch).length, 3);
  });

  it('prefetches: the next fetch is at the broker while the caller handles the current batch, and none goes past the end', async () => {
    for (let b = 0; b < 5; b++) await admin.produce(TOPIC, 0, compressedBatch(values(`b${b}`, 4), 'none'));
    const s = await open({ fetchMaxBytes: 1 }); // a first batch still comes whole: one batch per fetch
    const seenWhileHandling: boolean[] = [];
    await s.read(0, 0, 20, async (records) => {
      const batch = records.offsets[0] / 4;
      // Without prefetch the next fetch is only sent once this returns, so this wait would time out.
      seenWhileHandling.push(await until(() => proxy.seen(API.Fetch).length >= Math.min(batch + 2, 5), 2_000));
    });
    assert.deepEqual(seenWhileHandling, [true, true, true, true, true]);
    assert.equal(proxy.seen(API.Fetch).length, 5, 'no fetch beyond the planned end');

    // Stopping drops the prefetch; reading on from where it stopped gives the rest, once each.
    let handled = 0;
    const got: DecodedRecord[] = [];
    const reached = await s.read(0, 0, 20, (records) => {
      handled++;
      got.push(...records.toRecords());
    }, () => handled >= 2);
    assert.equal(reached, 8);
    await s.read(0, reached, 20, (records) => void got.push(...records.toRecords()));
    assert.deepEqual(got.map((r) => r.offset), Array.from({ length: 20 }, (_, i) => i));
  });

  it('decodes batches in every codec the protocol layer reads; a corrupt one goes to the caller\'s onUndecodable with its bytes and offsets and reading goes on, or without one fails with a typed error at its offset, not retried', async () => {
    const codecs: BatchCodec[] = ['none', 'gzip', 'snappy', 'snappy-raw', 'lz4', 'zstd'];
    for (const codec of codecs) await admin.produce(TOPIC, 0, compressedBatch(values(codec, 50), codec));
    await admin.produce(TOPIC, 1, compressedBatch(values('before', 5), 'gzip'));
    await admin.produce(TOPIC, 1, compressedBatch(values('corrupt', 5), 'zstd'));
    corruptLastStoredBatch(running.dataDir, TOPIC, 1);
    await admin.produce(TOPIC, 1, compressedBatch(values('after', 5), 'lz4'));
    const s = await open();
    const got: DecodedRecord[] = [];
    assert.equal(await s.read(0, 0, 300, (records) => void got.push(...records.toRecords())), 300);
    assert.deepEqual(text(got), codecs.flatMap((codec) => values(codec, 50).map((v) => v.value.toString())));
    assert.deepEqual(got.map((r) => r.offset), Array.from({ length: 300 }, (_, i) => i));

    proxy.requests.length = 0;
    const before: DecodedRecord[] = [];
    const error = await s.read(1, 0, 10, (records) => void before.push(...records.toRecords())).then(() => undefined, (e: unknown) => e);
    assert.deepEqual(text(before), values('before', 5).map((v) => v.value.toString()), 'the batches before it are handed over');
    assert.ok(error instanceof SourceDecodeError, String(error));
    assert.equal(error.retriable, false);
    assert.equal(error.offset, 5);
    assert.match(error.message, new RegExp(`^page_views-1 \\(broker ${proxy.bootstrap}\\): cannot decode the batch at offsets 5\\.\\.9: .*cannot decompress zstd`));
    assert.equal(proxy.seen(API.Fetch).length, 1, 'the fetch that found it: no retry');

    const stored = admin.fetch(TOPIC, 1, 5, { maxBytes: 1 << 20, maxWaitMs: 0, minBytes: 0 });
    const good: DecodedRecord[] = [];
    const bad: UndecodableBatch[] = [];
    assert.equal(await s.read(1, 0, 15, (records) => void good.push(...records.toRecords()), undefined, { onUndecodable: (batch) => void bad.push(batch) }), 15);
    assert.deepEqual(text(good), [...values('before', 5), ...values('after', 5)].map((v) => v.value.toString()), 'reading went on after it');
    assert.deepEqual(bad.map((b) => [b.firstOffset, b.lastOffset, b.batchBaseOffset, b.batchLastOffset, b.timestamp]), [[5, 9, 5, 9, 1_700_000_000_000]]);
    const raw = (await stored).records;
    assert.deepEqual(bad[0].bytes, raw.subarray(0, bad[0].bytes.length), 'the batch exactly as the broker stores it');
    assert.equal(bad[0].bytes.readInt32BE(8) + 12, bad[0].bytes.length);
    assert.match(bad[0].reason, /^cannot decode the batch at offsets 5\.\.9: .*cannot decompress zstd/);
  });
});
