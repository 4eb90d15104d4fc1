import { strict as assert } from 'node:assert';
import { produceRequestSchema, produceResponseSchema, ProduceRequest } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { CRC_POS, readBatchHeader } from '../../../src/protocol/record-batch';
import { writeMessage } from '../../../src/protocol/message-set';
import { decodeRecords } from '../../../src/protocol/records';
import { produceHandler } from '../../../src/broker/handlers/00-produce';
import type { BrokerState } from '../../../src/broker/broker-state';
import { makeBatch, withCodec } from '../../helpers/batches';
import { answer, brokerStateOver, callHandler, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: produceRequestSchema, response: produceResponseSchema };

function produceRequest(acks: number, topicData: { name: string; partitions: [number, Buffer | null][] }[]): ProduceRequest {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topicData: topicData.map((t) => ({ name: t.name, partitionData: t.partitions.map(([index, records]) => ({ index, records })) })),
  };
}

describe('Produce handler (API 0)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore();
    store.createTopic('events', 2);
    broker = brokerStateOver(store);
  });

  it('appends at every version and answers each partition with its base offset', async () => {
    for (const version of versionsOf(produceHandler)) {
      const response = await answer(produceHandler, api, version, produceRequest(1, [{ name: 'events', partitions: [[0, makeBatch(`v${version}`, 2)], [1, makeBatch('one', 1)]] }]), broker);
      const [p0, p1] = response.responses[0].partitionResponses;
      const round = version - produceHandler.minVersion;
      assert.deepEqual([p0.index, p0.errorCode, p0.baseOffset], [0, 0, 2 * round], `v${version}`);
      assert.deepEqual([p1.index, p1.errorCode, p1.baseOffset], [1, 0, round], `v${version}`);
      if (version >= 5) assert.equal(p0.logStartOffset, 0);
      if (version >= 2) assert.equal(p0.logAppendTimeMs, -1, 'CreateTime: the producer timestamps are kept');
    }
    assert.equal(store.partition('events', 0).logEndOffset, 2 * versionsOf(produceHandler).length);
    const stored = decodeRecords(store.partition('events', 0).read(4, 1 << 20).records);
    const third = produceHandler.minVersion + 2;
    assert.deepEqual(stored.map((r) => `${r.offset}:${r.value?.toString()}`), [`4:v${third}:0`, `5:v${third}:1`]);
  });

  it('up-converts message sets v0/v1 sent with Produce v0-v2, and refuses them from v3 with INVALID_RECORD', async () => {
    const messageSet = (magic: 0 | 1, label: string) => Buffer.concat([0, 1].map((i) => writeMessage({ offset: i, magic, attributes: 0, timestamp: magic === 1 ? 1_700_000_000_000 + i : -1, key: null, value: Buffer.from(`${label}${i}`) })));
    for (const version of [0, 1, 2]) {
      const response = await answer(produceHandler, api, version, produceRequest(1, [{ name: 'events', partitions: [[0, messageSet(version === 0 ? 0 : 1, `m${version}-`)]] }]), broker);
      assert.deepEqual([response.responses[0].partitionResponses[0].errorCode, response.responses[0].partitionResponses[0].baseOffset], [0, 2 * version], `v${version}`);
    }
    const stored = store.partition('events', 0).read(0, 1 << 20).records;
    assert.equal(readBatchHeader(stored).magic, 2, 'stored as RecordBatch v2');
    const records = [0, 2, 4].flatMap((offset) => decodeRecords(store.partition('events', 0).read(offset, 1).records));
    assert.deepEqual(records.map((r) => [r.offset, r.timestamp, r.value?.toString()]), [
      [0, -1, 'm0-0'], [1, -1, 'm0-1'], [2, 1_700_000_000_000, 'm1-0'], [3, 1_700_000_000_001, 'm1-1'], [4, 1_700_000_000_000, 'm2-0'], [5, 1_700_000_000_001, 'm2-1'],
    ]);
    const v3 = await answer(produceHandler, api, 3, produceRequest(1, [{ name: 'events', partitions: [[0, messageSet(1, 'late')]] }]), broker);
    assert.equal(v3.responses[0].partitionResponses[0].errorCode, KafkaErrors.INVALID_RECORD.code);
    const zstd = withCodec(makeBatch('z', 2), 4);
    for (const [version, code] of [[6, KafkaErrors.UNSUPPORTED_COMPRESSION_TYPE.code], [7, 0]]) {
      const answered = await answer(produceHandler, api, version, produceRequest(1, [{ name: 'events', partitions: [[1, zstd]] }]), broker);
      assert.equal(answered.responses[0].partitionResponses[0].errorCode, code, `zstd at v${version}`);
    }
    assert.equal(store.partition('events', 0).logEndOffset, 6, 'refused sets are not appended');
  });

  it('answers acks=-1 once the leader has the data, and sends nothing for acks=0 but still appends', async () => {
    const all = await answer(produceHandler, api, 8, produceRequest(-1, [{ name: 'events', partitions: [[0, makeBatch('all', 3)]] }]), broker);
    assert.equal(all.responses[0].partitionResponses[0].errorCode, 0);
    const none = await callHandler(produceHandler, api, 8, produceRequest(0, [{ name: 'events', partitions: [[0, makeBatch('quiet', 2)]] }]), broker);
    assert.equal(none, null);
    assert.equal(store.partition('events', 0).logEndOffset, 5);
  });

  it('refuses acks other than 0, 1 and -1 with INVALID_REQUIRED_ACKS for every partition, appending nothing', async () => {
    for (const acks of [2, -2]) {
      const response = await answer(produceHandler, api, 8, produceRequest(acks, [{ name: 'events', partitions: [[0, makeBatch('x', 1)], [1, makeBatch('y', 1)]] }]), broker);
      for (const p of response.responses[0].partitionResponses) {
        assert.equal(p.errorCode, KafkaErrors.INVALID_REQUIRED_ACKS.code);
        assert.equal(p.baseOffset, -1);
        assert.match(p.errorMessage ?? '', new RegExp(`not ${acks}`));
      }
    }
    assert.equal(store.partition('events', 0).logEndOffset + store.partition('events', 1).logEndOffset, 0);
  });

  it('names the failing batch in recordErrors (v8) and keeps the partition unchanged', async () => {
    const corrupt = makeBatch('bad', 2);
    corrupt[CRC_POS] ^= 0xff;
    const response = await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[0, corrupt]] }]), broker);
    const p = response.responses[0].partitionResponses[0];
    assert.equal(p.errorCode, KafkaErrors.CORRUPT_MESSAGE.code);
    assert.deepEqual([p.baseOffset, p.logStartOffset, p.logAppendTimeMs], [-1, -1, -1]);
    assert.equal(p.recordErrors?.length, 1);
    assert.equal(p.recordErrors?.[0].batchIndex, 0);
    assert.match(p.recordErrors?.[0].batchIndexErrorMessage ?? '', /CRC-32C mismatch/);
    assert.match(p.errorMessage ?? '', /batch 0 at byte 0 of the appended data/);
    assert.equal(store.partition('events', 0).logEndOffset, 0);
  });

  it('refuses two batches for one partition from v3, as Kafka does (INVALID_RECORD), and takes them at v2', async () => {
    const two = Buffer.concat([makeBatch('one', 1), makeBatch('two', 2)]);
    for (const version of [3, 8, 11]) {
      const refused = (await answer(produceHandler, api, version, produceRequest(1, [{ name: 'events', partitions: [[0, two]] }]), broker)).responses[0].partitionResponses[0];
      assert.equal(refused.errorCode, KafkaErrors.INVALID_RECORD.code, `v${version}`);
    }
    assert.equal(store.partition('events', 0).logEndOffset, 0);
    const taken = (await answer(produceHandler, api, 2, produceRequest(1, [{ name: 'events', partitions: [[0, two]] }]), broker)).responses[0].partitionResponses[0];
    assert.equal(taken.errorCode, 0);
    assert.equal(store.partition('events', 0).logEndOffset, 3);
  });

  it('answers MESSAGE_TOO_LARGE past the topic max.message.bytes', async () => {
    store.alterTopicConfig('events', { 'max.message.bytes': '500' });
    const response = await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[1, makeBatch('big', 1, { valueBytes: 600 })]] }]), broker);
    assert.equal(response.responses[0].partitionResponses[0].errorCode, KafkaErrors.MESSAGE_TOO_LARGE.code);
    assert.equal(response.responses[0].partitionResponses[0].recordErrors?.[0].batchIndex, 0);
  });

  it('answers CORRUPT_MESSAGE for a partition sent without records', async () => {
    for (const records of [null, Buffer.alloc(0)]) {
      const response = await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[0, records]] }]), broker);
      const p = response.responses[0].partitionResponses[0];
      assert.deepEqual([p.errorCode, p.errorMessage, p.recordErrors], [KafkaErrors.CORRUPT_MESSAGE.code, 'no records', []]);
    }
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION per partition and still appends to the others; never creates topics', async () => {
    const response = await answer(produceHandler, api, 8, produceRequest(1, [
      { name: 'events', partitions: [[5, makeBatch('x', 1)], [1, makeBatch('y', 1)]] },
      { name: 'nowhere', partitions: [[0, makeBatch('z', 1)]] },
    ]), broker);
    const codes = response.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode])]);
    assert.deepEqual(codes, [
      ['events', [[5, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code], [1, 0]]],
      ['nowhere', [[0, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code]]],
    ]);
    assert.deepEqual(response.responses[0].partitionResponses[0].recordErrors, [], 'not a batch error');
    assert.equal(store.partition('events', 1).logEndOffset, 1);
    assert.ok(!store.hasTopic('nowhere'));
  });

  it('answers UNKNOWN_SERVER_ERROR when the store fails with an error that is not a KafkaError', async () => {
    const failing = new MemoryPartitionStore();
    failing.createTopic('events', 1);
    failing.partition('events', 0).append = () => {
      throw new TypeError('disk on fire');
    };
    const response = await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[0, makeBatch('x', 1)]] }]), brokerStateOver(failing));
    const p = response.responses[0].partitionResponses[0];
    assert.deepEqual([p.errorCode, p.errorMessage], [KafkaErrors.UNKNOWN_SERVER_ERROR.code, 'disk on fire']);
  });

  it('answers KAFKA_STORAGE_ERROR when the disk fails, or for a partition that could not be opened at start', async () => {
    store.partition('events', 0).append = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    store.markUnavailable('events', 1, 'EACCES: permission denied');
    const response = await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[0, makeBatch('x', 1)], [1, makeBatch('y', 1)]] }]), broker);
    const [full, unopened] = response.responses[0].partitionResponses;
    assert.deepEqual([full.errorCode, full.errorMessage], [KafkaErrors.KAFKA_STORAGE_ERROR.code, 'ENOSPC: no space left on device, write']);
    assert.equal(unopened.errorCode, KafkaErrors.KAFKA_STORAGE_ERROR.code);
    assert.match(unopened.errorMessage ?? '', /events-1: could not be opened at start: EACCES/);
  });

  it('wakes a fetch waiting on the partition it appended to', async () => {
    let woken = false;
    const waiting = broker.appends.waitForAppend([{ topic: 'events', partition: 1 }], 5000).then(() => (woken = true));
    await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[0, makeBatch('elsewhere', 1)]] }]), broker);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(woken, false, 'an append to another partition does not wake it');
    await answer(produceHandler, api, 8, produceRequest(1, [{ name: 'events', partitions: [[1, makeBatch('here', 1)]] }]), broker);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(woken, true, 'woken by the append, long before its 5 s timeout');
    await waiting;
  });
});
