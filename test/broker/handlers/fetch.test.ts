import { strict as assert } from 'node:assert';
import { fetchRequestSchema, fetchResponseSchema, FetchRequest, FetchResponse } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { decodeRecords } from '../../../src/protocol/records';
import { fetchHandler } from '../../../src/broker/handlers/01-fetch';
import type { BrokerState } from '../../../src/broker/broker-state';
import { makeBatch, withCodec } from '../../helpers/batches';
import { codecOfMessage, readMessageSet } from '../../../src/protocol/message-set';
import { decompressRecords } from '../../../src/protocol/compression';
import { batchSizeAt } from '../../../src/protocol/record-batch';
import { uuidBytes, uuidText } from '../../../src/protocol/uuid';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: fetchRequestSchema, response: fetchResponseSchema };
const ZSTD = 4;

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
  maxBytes?: number;
}

/** The id a request names a topic by (v13+); a topic the store does not have gets an id nobody has. */
let idOf: (topic: string) => Buffer = () => Buffer.alloc(16, 7);

function fetchRequest(wanted: Wanted[], options: { maxWaitMs?: number; minBytes?: number; maxBytes?: number } = {}): FetchRequest {
  const topics = [...new Set(wanted.map((w) => w.topic))].map((topic) => ({
    topic,
    topicId: idOf(topic),
    partitions: wanted.filter((w) => w.topic === topic).map((w) => ({
      partition: w.partition, fetchOffset: w.offset, logStartOffset: -1, partitionMaxBytes: w.maxBytes ?? 1 << 20, currentLeaderEpoch: -1,
    })),
  }));
  return {
    replicaId: -1, maxWaitMs: options.maxWaitMs ?? 0, minBytes: options.minBytes ?? 0, maxBytes: options.maxBytes ?? 1 << 24,
    isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics, forgottenTopicsData: [], rackId: '',
  };
}

/** Each partition answered, named by topic (v13+ answers name topics by id only). */
let nameOf: (topicId: Buffer | undefined) => string = () => '';
function partitions(response: FetchResponse) {
  return response.responses.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic || nameOf(t.topicId), ...p })));
}

/** The offsets of every record fetched, whatever the format the version answers in (v0-v3: message sets). */
function offsetsIn(records: Buffer | null, version: number): number[] {
  const bytes = records ?? Buffer.alloc(0);
  if (version >= 4) {
    const offsets: number[] = [];
    for (let pos = 0; pos < bytes.length; pos += batchSizeAt(bytes, pos)) offsets.push(...decodeRecords(bytes, pos).map((r) => r.offset));
    return offsets;
  }
  return readMessageSet(bytes).flatMap((m) => {
    if (codecOfMessage(m) === 0) return [m.offset];
    const inner = readMessageSet(decompressRecords(codecOfMessage(m), m.value as Buffer));
    const last = inner[inner.length - 1].offset;
    return inner.map((i) => (m.magic === 1 ? m.offset - last + i.offset : i.offset));
  });
}

describe('Fetch handler (API 1)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  const batchSizes: number[] = [];
  beforeEach(() => {
    store = new MemoryPartitionStore();
    store.createTopic('events', 2);
    batchSizes.length = 0;
    for (let i = 0; i < 4; i++) {
      for (const p of [0, 1]) {
        const batch = makeBatch(`p${p}b${i}`, 5);
        batchSizes.push(batch.length);
        store.partition('events', p).append(batch);
      }
    }
    broker = brokerStateOver(store);
    idOf = (topic) => (store.hasTopic(topic) ? uuidBytes(store.describeTopic(topic).topicId) : Buffer.alloc(16, 7));
    nameOf = (topicId) => (topicId ? store.topicNameById(uuidText(topicId)) ?? '?' : '?');
  });

  it('returns whole batches from the one holding the offset, with the partition offsets, at every version', async () => {
    for (const version of versionsOf(fetchHandler)) {
      const response = await answer(fetchHandler, api, version, fetchRequest([{ topic: 'events', partition: 1, offset: 7 }]), broker);
      const [p] = partitions(response);
      assert.deepEqual([p.topic, p.partitionIndex, p.errorCode, p.highWatermark], ['events', 1, 0, 20], `v${version}`);
      if (version >= 4) assert.equal(p.lastStableOffset, 20, "lastStableOffset exists from v4");
      if (version >= 5) assert.equal(p.logStartOffset, 0);
      const expected = Array.from({ length: 15 }, (_, i) => 5 + i);
      if (version >= 4) {
        assert.deepEqual(offsetsIn(p.records, version), expected, 'from the batch holding offset 7, whole');
        assert.equal(p.records?.length, 3 * batchSizes[0], 'batches 5-9, 10-14, 15-19');
      } else {
        assert.deepEqual(offsetsIn(p.records, version), expected.slice(2), `v${version}: down-converted, from offset 7 on`);
        assert.deepEqual([...new Set(readMessageSet(p.records as Buffer).map((m) => m.magic))], [version <= 1 ? 0 : 1]);
      }
      if (version >= 7) assert.equal(response.sessionId, 0, 'no incremental fetch session');
    }
  });

  it('keeps to the partition and response limits, but a first batch larger than both comes whole', async () => {
    const one = batchSizes[0];
    const sizes = async (maxBytes: number, partitionMaxBytes: number) => {
      const request = fetchRequest([0, 1].map((partition) => ({ topic: 'events', partition, offset: 0, maxBytes: partitionMaxBytes })), { maxBytes });
      return partitions(await answer(fetchHandler, api, 11, request, broker)).map((p) => p.records?.length ?? 0);
    };
    assert.deepEqual(await sizes(1 << 20, 1 << 20), [4 * one, 4 * one], 'everything fits');
    assert.deepEqual(await sizes(1 << 20, 2 * one + 5), [2 * one, 2 * one], 'whole batches up to the partition limit');
    assert.deepEqual(await sizes(3 * one, 1 << 20), [3 * one, 0], 'the response limit leaves nothing for the second partition');
    assert.deepEqual(await sizes(3 * one + 10, 1 << 20), [3 * one, 0], 'a first batch of the second partition is not forced past the response limit');
    assert.deepEqual(await sizes(10, 10), [one, 0], 'a first batch larger than both limits still comes whole');
    assert.deepEqual(await sizes(1 << 20, 0), [one, 0], 'a zero partition limit still lets the first partition progress');
  });

  it('answers empty records at the log end and OFFSET_OUT_OF_RANGE past it or below the log start', async () => {
    store.partition('events', 0).expireBefore(10);
    const request = fetchRequest([
      { topic: 'events', partition: 0, offset: 20 },
      { topic: 'events', partition: 0, offset: 21 },
      { topic: 'events', partition: 0, offset: 4 },
    ]);
    const [atEnd, past, below] = partitions(await answer(fetchHandler, api, 11, request, broker));
    assert.deepEqual([atEnd.errorCode, atEnd.records?.length, atEnd.highWatermark, atEnd.logStartOffset], [0, 0, 20, 10]);
    for (const p of [past, below]) {
      assert.equal(p.errorCode, KafkaErrors.OFFSET_OUT_OF_RANGE.code);
      assert.deepEqual([p.highWatermark, p.lastStableOffset, p.logStartOffset, p.records?.length], [-1, -1, -1, 0]);
    }
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION per partition beside data from the others', async () => {
    const request = fetchRequest([{ topic: 'events', partition: 0, offset: 0 }, { topic: 'events', partition: 9, offset: 0 }, { topic: 'gone', partition: 0, offset: 0 }]);
    const [ok, noPartition, noTopic] = partitions(await answer(fetchHandler, api, 11, request, broker));
    assert.deepEqual([ok.errorCode, ok.records?.length], [0, 4 * batchSizes[0]]);
    assert.equal(noPartition.errorCode, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code);
    assert.deepEqual([noTopic.topic, noTopic.errorCode], ['gone', KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code]);
    assert.ok(!store.hasTopic('gone'), 'fetch never creates topics');
  });

  it('answers KAFKA_STORAGE_ERROR for a partition that could not be opened at start, beside the others', async () => {
    store.markUnavailable('events', 1, 'EIO: i/o error');
    const request = fetchRequest([{ topic: 'events', partition: 1, offset: 0 }, { topic: 'events', partition: 0, offset: 0 }]);
    const [unopened, ok] = partitions(await answer(fetchHandler, api, 11, request, broker));
    assert.deepEqual([unopened.errorCode, unopened.highWatermark, unopened.records?.length], [KafkaErrors.KAFKA_STORAGE_ERROR.code, -1, 0]);
    assert.deepEqual([ok.errorCode, ok.records?.length], [0, 4 * batchSizes[0]]);
  });

  it('zstd to old fetchers as Kafka: sent as stored from v4 (compression.type producer), refused below v4 (no down-conversion) and on a zstd topic below v10', async () => {
    store.createTopic('packed', 1);
    store.partition('packed', 0).append(makeBatch('plain', 2));
    store.partition('packed', 0).append(withCodec(makeBatch('zstd', 3), ZSTD));
    store.partition('packed', 0).append(withCodec(makeBatch('gzip', 3), 1));
    store.createTopic('zstd-topic', 1, { 'compression.type': 'zstd' });
    store.partition('zstd-topic', 0).append(makeBatch('recompressed', 2));
    for (const version of versionsOf(fetchHandler)) {
      const request = fetchRequest([{ topic: 'packed', partition: 0, offset: 0 }, { topic: 'packed', partition: 0, offset: 5 }, { topic: 'events', partition: 0, offset: 0 }]);
      const [withZstd, gzipOnly, other] = partitions(await answer(fetchHandler, api, version, request, broker));
      if (version < 4) {
        assert.deepEqual([withZstd.errorCode, withZstd.records?.length, withZstd.highWatermark], [KafkaErrors.UNSUPPORTED_COMPRESSION_TYPE.code, 0, -1], `v${version}`);
      } else {
        assert.equal(withZstd.errorCode, 0, `v${version}`);
        assert.ok((withZstd.records?.length ?? 0) > 0);
      }
      assert.deepEqual([gzipOnly.errorCode, offsetsIn(gzipOnly.records, version)], [0, [5, 6, 7]], `v${version}: gzip is fine, down-converted below v4`);
      assert.equal(other.errorCode, 0, 'other partitions are unaffected');
      const [onZstdTopic] = partitions(await answer(fetchHandler, api, version, fetchRequest([{ topic: 'zstd-topic', partition: 0, offset: 0 }]), broker));
      assert.equal(onZstdTopic.errorCode, version < 10 ? KafkaErrors.UNSUPPORTED_COMPRESSION_TYPE.code : 0, `v${version} on a compression.type=zstd topic`);
    }
  });

  it('down-converts for v0-v3 unless message.downconversion.enable=false (UNSUPPORTED_VERSION)', async () => {
    store.alterTopicConfig('events', { 'message.downconversion.enable': 'false' });
    for (const version of versionsOf(fetchHandler)) {
      const [p] = partitions(await answer(fetchHandler, api, version, fetchRequest([{ topic: 'events', partition: 0, offset: 0 }]), broker));
      if (version < 4) assert.deepEqual([p.errorCode, p.records?.length], [KafkaErrors.UNSUPPORTED_VERSION.code, 0], `v${version}`);
      else assert.deepEqual([p.errorCode, offsetsIn(p.records, version).length], [0, 20], `v${version}`);
    }
  });

  it('names topics by id from v13: an unknown id is UNKNOWN_TOPIC_ID, echoed back', async () => {
    const unknownId = Buffer.alloc(16, 9);
    const request = fetchRequest([{ topic: 'events', partition: 0, offset: 0 }]);
    request.topics.push({ topic: 'whatever', topicId: unknownId, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1000 }] });
    for (const version of [13, 15, 17]) {
      const response = await answer(fetchHandler, api, version, request, broker);
      assert.deepEqual(response.responses.map((t) => [t.topic, uuidText(t.topicId as Buffer)]), [['', store.describeTopic('events').topicId], ['', uuidText(unknownId)]]);
      assert.deepEqual(response.responses.map((t) => t.partitions[0].errorCode), [0, KafkaErrors.UNKNOWN_TOPIC_ID.code]);
    }
    const byName = await answer(fetchHandler, api, 12, request, broker);
    assert.deepEqual(byName.responses.map((t) => [t.topic, t.partitions[0].errorCode]), [['events', 0], ['whatever', KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code]]);
  });

  it('answers KAFKA_STORAGE_ERROR as NOT_LEADER_OR_FOLLOWER to fetchers of v5 and older, as Kafka', async () => {
    store.markUnavailable('events', 1, 'EIO: i/o error');
    for (const [version, code] of [[5, KafkaErrors.NOT_LEADER_OR_FOLLOWER.code], [6, KafkaErrors.KAFKA_STORAGE_ERROR.code]]) {
      const [p] = partitions(await answer(fetchHandler, api, version, fetchRequest([{ topic: 'events', partition: 1, offset: 0 }]), broker));
      assert.equal(p.errorCode, code, `v${version}`);
    }
  });

  it('long-polls until an append to a watched partition brings minBytes', async () => {
    const waiting = answer(fetchHandler, api, 11, fetchRequest([{ topic: 'events', partition: 0, offset: 20 }], { maxWaitMs: 5000, minBytes: 1 }), broker);
    const started = Date.now();
    setTimeout(() => {
      store.partition('events', 0).append(makeBatch('late', 1));
      broker.appends.appended('events', 0);
    }, 150);
    const [p] = partitions(await waiting);
    const elapsed = Date.now() - started;
    assert.deepEqual(decodeRecords(p.records ?? Buffer.alloc(0)).map((r) => r.value?.toString()), ['late:0']);
    assert.ok(elapsed >= 100 && elapsed < 2000, `answered after ${elapsed} ms`);
  });

  it('waits out maxWaitMs when nothing arrives, ignoring appends to other partitions', async () => {
    const started = Date.now();
    const waiting = answer(fetchHandler, api, 11, fetchRequest([{ topic: 'events', partition: 0, offset: 20 }], { maxWaitMs: 300, minBytes: 1 }), broker);
    setTimeout(() => {
      store.partition('events', 1).append(makeBatch('other', 1));
      broker.appends.appended('events', 1);
    }, 50);
    const [p] = partitions(await waiting);
    assert.deepEqual([p.errorCode, p.records?.length], [0, 0]);
    assert.ok(Date.now() - started >= 280, `answered after ${Date.now() - started} ms`);
  });

  it('answers a long poll at once when data already meets minBytes, or a partition fails', async () => {
    for (const [wanted, what] of [
      [{ topic: 'events', partition: 0, offset: 0 }, 'enough data'],
      [{ topic: 'missing', partition: 0, offset: 0 }, 'an unknown topic'],
    ] as const) {
      const started = Date.now();
      await answer(fetchHandler, api, 11, fetchRequest([wanted], { maxWaitMs: 5000, minBytes: 1 }), broker);
      assert.ok(Date.now() - started < 1000, `${what}: answered after ${Date.now() - started} ms`);
    }
  });

  it('answers a waiting long poll at once when the broker begins to stop, and new ones without waiting', async () => {
    const started = Date.now();
    const waiting = answer(fetchHandler, api, 11, fetchRequest([{ topic: 'events', partition: 0, offset: 20 }], { maxWaitMs: 10_000, minBytes: 1 }), broker);
    setTimeout(() => {
      broker.stopping = true;
      broker.appends.wakeAll();
    }, 100);
    const [p] = partitions(await waiting);
    assert.deepEqual([p.errorCode, p.records?.length], [0, 0]);
    assert.ok(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
    const again = Date.now();
    await answer(fetchHandler, api, 11, fetchRequest([{ topic: 'events', partition: 0, offset: 20 }], { maxWaitMs: 10_000, minBytes: 1 }), broker);
    assert.ok(Date.now() - again < 1000);
  });
});
