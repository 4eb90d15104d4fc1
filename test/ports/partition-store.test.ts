import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PartitionStore, TopicDescription } from '../../src/ports/partition-store';
import {
  InvalidBatchError, InvalidConfigError, InvalidTopicError, OffsetOutOfRangeError, TopicExistsError, UnknownTopicError,
} from '../../src/ports/store-errors';
import { KafkaError, KafkaErrors } from '../../src/protocol/error-codes';
import { BASE_OFFSET_POS, CRC_POS, computeBatchCrc } from '../../src/protocol/record-batch';
import { buildRecordBatch, decodeRecords } from '../../src/protocol/records';
import { LogManager } from '../../src/log/log-manager';
import { asProducerBatch, makeBatch, withCodec } from '../helpers/batches';
import { MemoryPartitionStore } from '../helpers/memory-partition-store';

const T0 = 1_700_000_000_000;
const MAX_PARTITIONS = 8;
const MAX_TOTAL_PARTITIONS = 12;

/** Records at T0, T0+10, T0+20 …, so a search between two lands on the later. */
function timedBatch(label: string, count: number, first: number): Buffer {
  return buildRecordBatch(Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`${label}${i}`), timestamp: T0 + (first + i) * 10 })));
}

function kafkaCode(name: keyof typeof KafkaErrors) {
  return (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors[name].code;
}

/** The port's fields of a description but the random topic id (LogManager adds its own, such as createdAt). */
function described({ name, partitions, config }: TopicDescription): Omit<TopicDescription, 'topicId'> {
  return { name, partitions, config };
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Opened {
  store: PartitionStore;
  close(): void;
}

/** The behaviour handlers rely on, checked on every PartitionStore so the in-memory one stays honest. */
function partitionStoreContract(kind: string, open: () => Opened): void {
  describe(`PartitionStore contract: ${kind}`, () => {
    let opened: Opened;
    let store: PartitionStore;
    beforeEach(() => {
      opened = open();
      store = opened.store;
    });
    afterEach(() => opened.close());

    it('assigns offsets from the log end and rewrites each stored batch base offset', () => {
      store.createTopic('t', 2);
      const first = store.partition('t', 1).append(makeBatch('a', 3));
      const two = Buffer.concat([makeBatch('b', 2), makeBatch('c', 4)]);
      const second = store.partition('t', 1).append(two);
      assert.deepEqual([first.baseOffset, first.lastOffset, first.recordCount, first.logStartOffset], [0, 2, 3, 0]);
      assert.deepEqual([second.baseOffset, second.lastOffset, second.recordCount], [3, 8, 6]);
      const p = store.partition('t', 1);
      assert.deepEqual([p.logStartOffset, p.highWatermark, p.logEndOffset], [0, 9, 9]);
      assert.equal(store.partition('t', 0).logEndOffset, 0, 'the other partition is untouched');
      const { records } = p.read(0, 1 << 20);
      assert.deepEqual(decodeRecords(records, 0).map((r) => r.offset), [0, 1, 2]);
      assert.equal(records.readBigInt64BE(makeBatch('a', 3).length + BASE_OFFSET_POS), 3n);
      assert.equal(two.readBigInt64BE(makeBatch('b', 2).length + BASE_OFFSET_POS), 5n, 'offsets are written into the appended buffer');
    });

    it('reads whole batches from the one holding the offset, within maxBytes, the first always whole', () => {
      store.createTopic('t', 1);
      const p = store.partition('t', 0);
      const sizes = ['a', 'b', 'c'].map((label) => {
        const batch = makeBatch(label, 4);
        p.append(batch);
        return batch.length;
      });
      const inside = p.read(6, 1 << 20);
      assert.equal(inside.records.length, sizes[1] + sizes[2], 'offset 6 is inside the second batch (4-7)');
      assert.equal(inside.records.readBigInt64BE(BASE_OFFSET_POS), 4n);
      assert.deepEqual([inside.logStartOffset, inside.highWatermark, inside.logEndOffset], [0, 12, 12]);
      assert.equal(p.read(0, sizes[0] + sizes[1] + 1).records.length, sizes[0] + sizes[1]);
      assert.equal(p.read(0, 1).records.length, sizes[0]);
      assert.equal(p.read(12, 100).records.length, 0, 'empty at the log end');
      assert.throws(() => p.read(13, 100), (e: unknown) => e instanceof OffsetOutOfRangeError && e.offset === 13 && e.logEndOffset === 12);
      assert.throws(() => p.read(-1, 100), kafkaCode('OFFSET_OUT_OF_RANGE'));
    });

    it('rejects a bad append whole, naming the batch, and keeps the partition as it was', () => {
      store.createTopic('t', 1, { 'max.message.bytes': '2000' });
      const p = store.partition('t', 0);
      p.append(makeBatch('ok', 1));
      const corrupt = makeBatch('bad', 2);
      corrupt[CRC_POS] ^= 0xff;
      assert.throws(() => p.append(Buffer.concat([makeBatch('fine', 1), corrupt])), (e: unknown) =>
        e instanceof InvalidBatchError && e.batchIndex === 1 && e.code === KafkaErrors.CORRUPT_MESSAGE.code);
      assert.throws(() => p.append(makeBatch('big', 1, { valueBytes: 3000 })), (e: unknown) =>
        e instanceof InvalidBatchError && e.code === KafkaErrors.MESSAGE_TOO_LARGE.code);
      assert.throws(() => p.append(Buffer.alloc(0)), kafkaCode('CORRUPT_MESSAGE'));
      assert.equal(p.logEndOffset, 1);
      assert.equal(decodeRecords(p.read(0, 1 << 20).records).length, 1);
    });

    it('finds the first record at or after a timestamp; a compressed batch answers its base offset', () => {
      store.createTopic('t', 1);
      const p = store.partition('t', 0);
      p.append(timedBatch('a', 5, 0));
      p.append(withCodec(timedBatch('z', 5, 5), 1));
      assert.equal(p.offsetForTimestamp(T0 + 999), undefined);
      assert.deepEqual(p.offsetForTimestamp(T0), { offset: 0, timestamp: T0 });
      assert.deepEqual(p.offsetForTimestamp(T0 + 25), { offset: 3, timestamp: T0 + 30 });
      assert.deepEqual(p.offsetForTimestamp(T0 + 61), { offset: 5, timestamp: T0 + 90 }, 'gzip batch: base offset, max timestamp');
    });

    it('creates, lists, describes and deletes topics; a deleted topic comes back empty', () => {
      assert.deepEqual(described(store.createTopic('orders', 3, { 'retention.ms': '3600000' })), { name: 'orders', partitions: 3, config: { 'retention.ms': '3600000' } });
      store.createTopic('audit', 1);
      assert.deepEqual(store.listTopics().map((t) => [t.name, t.partitions]), [['audit', 1], ['orders', 3]]);
      assert.deepEqual(store.describeTopic('orders').config, { 'retention.ms': '3600000' });
      assert.ok(store.hasTopic('orders') && !store.hasTopic('nope'));
      store.partition('orders', 2).append(makeBatch('x', 2));
      store.deleteTopic('orders');
      assert.ok(!store.hasTopic('orders'));
      assert.deepEqual(store.listTopics().map((t) => t.name), ['audit']);
      store.createTopic('orders', 3);
      assert.equal(store.partition('orders', 2).logEndOffset, 0);
    });

    it('gives every topic its own random id, found by topicNameById; a re-created topic gets a new one', () => {
      const a = store.createTopic('a', 1).topicId;
      const b = store.createTopic('b', 1).topicId;
      assert.match(a, UUID_TEXT);
      assert.notEqual(a, b);
      assert.equal(store.describeTopic('a').topicId, a);
      assert.deepEqual([store.topicNameById(a), store.topicNameById(b)], ['a', 'b']);
      store.deleteTopic('a');
      assert.equal(store.topicNameById(a), undefined);
      const again = store.createTopic('a', 1).topicId;
      assert.notEqual(again, a, 'Kafka gives a re-created topic a new id');
      assert.equal(store.topicNameById(again), 'a');
    });

    it('throws the typed errors for names, duplicates, partition counts, configs and missing topics', () => {
      store.createTopic('t', 2);
      assert.throws(() => store.checkTopicName('bad/name'), InvalidTopicError);
      assert.throws(() => store.checkTopicName('x'.repeat(300)), InvalidTopicError);
      store.checkTopicName('fine.name_1-2');
      assert.throws(() => store.createTopic('../escape', 1), InvalidTopicError);
      assert.throws(() => store.createTopic('t', 1), (e: unknown) => e instanceof TopicExistsError && e.topic === 't');
      assert.throws(() => store.createTopic('u', 0), kafkaCode('INVALID_PARTITIONS'));
      assert.throws(() => store.createTopic('u', MAX_PARTITIONS + 1), kafkaCode('INVALID_PARTITIONS'));
      assert.throws(() => store.createTopic('u', 1, { 'no.such': '1' }), InvalidConfigError);
      assert.throws(() => store.createTopic('u', 1, { 'retention.ms': 'soon' }), InvalidConfigError);
      assert.ok(!store.hasTopic('u'));
      assert.throws(() => store.describeTopic('u'), (e: unknown) => e instanceof UnknownTopicError && e.partition === undefined);
      assert.throws(() => store.deleteTopic('u'), UnknownTopicError);
      assert.throws(() => store.partition('u', 0), UnknownTopicError);
      assert.throws(() => store.partition('t', 2), (e: unknown) => e instanceof UnknownTopicError && e.partition === 2);
      assert.throws(() => store.partition('t', -1), UnknownTopicError);
    });

    it('keeps the partitions of all topics within the store cap', () => {
      store.createTopic('a', MAX_PARTITIONS);
      assert.throws(() => store.createTopic('b', MAX_TOTAL_PARTITIONS - MAX_PARTITIONS + 1), kafkaCode('POLICY_VIOLATION'));
      assert.throws(() => store.createTopic('b', 5, {}, { validateOnly: true }), kafkaCode('POLICY_VIOLATION'));
      store.createTopic('b', MAX_TOTAL_PARTITIONS - MAX_PARTITIONS);
      assert.throws(() => store.createTopic('c', 1), kafkaCode('POLICY_VIOLATION'));
      store.deleteTopic('a');
      store.createTopic('c', 1);
    });

    it('validateOnly checks everything a create checks and creates nothing', () => {
      store.createTopic('t', 1);
      assert.deepEqual(described(store.createTopic('v', 4, { 'retention.ms': '1000' }, { validateOnly: true })), { name: 'v', partitions: 4, config: { 'retention.ms': '1000' } });
      assert.ok(!store.hasTopic('v'));
      assert.throws(() => store.createTopic('t', 1, {}, { validateOnly: true }), TopicExistsError);
      assert.throws(() => store.createTopic('v', MAX_PARTITIONS + 1, {}, { validateOnly: true }), kafkaCode('INVALID_PARTITIONS'));
      assert.throws(() => store.createTopic('v', 1, { 'segment.bytes': '1' }, { validateOnly: true }), InvalidConfigError);
      assert.throws(() => store.createTopic('bad name', 1, {}, { validateOnly: true }), InvalidTopicError);
      assert.deepEqual(store.listTopics().map((t) => t.name), ['t']);
    });

    it('answers a producer\'s retried batch with its offsets, refuses a gap, and tracks transactions (last stable offset, aborted list)', () => {
      store.createTopic('idem', 1);
      const p = store.partition('idem', 0);
      const stamp = (label: string, seq: number, transactional = false) => asProducerBatch(makeBatch(label, 2, { timestamp: Date.now() }), 11, 0, seq, transactional);
      assert.equal(p.append(stamp('a', 0)).baseOffset, 0);
      assert.equal(p.append(stamp('b', 2)).baseOffset, 2);
      assert.deepEqual([p.append(stamp('a', 0)).baseOffset, p.logEndOffset], [0, 4], 'the retry is not stored again');
      assert.throws(() => p.append(stamp('c', 9)), kafkaCode('OUT_OF_ORDER_SEQUENCE_NUMBER'));
      p.append(stamp('t', 4, true));
      assert.equal(p.lastStableOffset, 4);
      const marker = p.writeTxnMarker({ producerId: 11, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
      assert.deepEqual([marker.baseOffset, p.lastStableOffset, p.logEndOffset], [6, 7, 7]);
      assert.deepEqual(p.abortedTransactions(0, 7), [{ producerId: 11, firstOffset: 4, lastOffset: 6 }]);
      assert.deepEqual(p.activeProducers().map((a) => [a.producerId, a.lastSequence, a.currentTxnStartOffset]), [[11, 5, -1]]);
    });

    it('alters a topic config at once, and keeps the old one when the new is invalid', () => {
      store.createTopic('t', 1);
      const big = () => makeBatch('big', 1, { valueBytes: 3000 });
      store.partition('t', 0).append(big());
      store.alterTopicConfig('t', { 'max.message.bytes': '2000' });
      assert.deepEqual(store.describeTopic('t').config, { 'max.message.bytes': '2000' });
      assert.throws(() => store.partition('t', 0).append(big()), kafkaCode('MESSAGE_TOO_LARGE'));
      assert.throws(() => store.alterTopicConfig('t', { 'max.message.bytes': 'lots' }), InvalidConfigError);
      assert.deepEqual(store.describeTopic('t').config, { 'max.message.bytes': '2000' });
      assert.throws(() => store.alterTopicConfig('nope', {}), UnknownTopicError);
      store.alterTopicConfig('t', { 'retention.ms': '5' }, { validateOnly: true });
      assert.deepEqual(store.describeTopic('t').config, { 'max.message.bytes': '2000' }, 'validateOnly changes nothing');
    });

    it('grows topics, moves log starts (DeleteRecords) and describes configs the same way', () => {
      store.createTopic('t', 2, { 'cleanup.policy': 'compact, delete' });
      store.createPartitions('t', 3);
      assert.equal(store.describeTopic('t').partitions, 3);
      store.partition('t', 2).append(makeBatch('new', 2));
      assert.throws(() => store.createPartitions('t', 3), kafkaCode('INVALID_PARTITIONS'));
      assert.throws(() => store.createPartitions('t', MAX_PARTITIONS + 1), kafkaCode('INVALID_PARTITIONS'));
      store.createPartitions('t', 4, { validateOnly: true });
      assert.equal(store.describeTopic('t').partitions, 3);
      assert.throws(() => store.createPartitions('nope', 4), UnknownTopicError);
      for (const label of ['a', 'b']) store.partition('t', 0).append(makeBatch(label, 4));
      assert.equal(store.deleteRecords('t', 0, 5), 5);
      assert.equal(store.partition('t', 0).logStartOffset, 5);
      assert.throws(() => store.partition('t', 0).read(4, 100), OffsetOutOfRangeError);
      assert.equal(decodeRecords(store.partition('t', 0).read(5, 1 << 20).records)[0].offset, 4, 'the batch holding the start is read whole');
      assert.equal(store.deleteRecords('t', 0, 2), 5);
      assert.throws(() => store.deleteRecords('t', 0, 9), OffsetOutOfRangeError);
      assert.equal(store.deleteRecords('t', 0, -1), 8);
      assert.throws(() => store.deleteRecords('t', 9, 0), UnknownTopicError);
      const configs = new Map(store.describeTopicConfig('t').map((c) => [c.name, c]));
      assert.deepEqual([configs.get('cleanup.policy')?.value, configs.get('cleanup.policy')?.source], ['compact,delete', 'DYNAMIC_TOPIC_CONFIG']);
      assert.deepEqual(store.describeTopic('t').config, { 'cleanup.policy': 'compact,delete' }, 'kept as Kafka renders it');
      assert.deepEqual([configs.get('retention.ms')?.value, configs.get('retention.ms')?.source], ['604800000', 'DEFAULT_CONFIG']);
      assert.ok(store.describeBrokerConfig().some((c) => c.name === 'log.retention.ms'));
      assert.throws(() => store.describeTopicConfig('nope'), UnknownTopicError);
    });

    it('stores the records\' max timestamp, not the batch\'s claim; LogAppendTime topics get the append time; acks=-1 past min.insync.replicas fails', () => {
      store.createTopic('t', 1);
      const claimsNothing = timedBatch('x', 4, 0);
      claimsNothing.writeBigInt64BE(-1n, 35);
      claimsNothing.writeUInt32BE(computeBatchCrc(claimsNothing, 0, claimsNothing.length), CRC_POS);
      store.partition('t', 0).append(claimsNothing);
      store.partition('t', 0).append(timedBatch('y', 2, 1));
      assert.deepEqual(store.partition('t', 0).maxTimestampOffset(), { offset: 3, timestamp: T0 + 30 });
      assert.deepEqual(store.partition('t', 0).offsetForTimestamp(T0 + 25), { offset: 3, timestamp: T0 + 30 });
      store.createTopic('stamped', 1, { 'message.timestamp.type': 'LogAppendTime', 'min.insync.replicas': '2' });
      const before = Date.now();
      const result = store.partition('stamped', 0).append(timedBatch('z', 3, 0));
      assert.ok(result.logAppendTimeMs >= before && result.logAppendTimeMs <= Date.now());
      assert.deepEqual(decodeRecords(store.partition('stamped', 0).read(0, 1 << 20).records).map((r) => r.timestamp), [1, 2, 3].map(() => result.logAppendTimeMs));
      assert.throws(() => store.partition('stamped', 0).append(makeBatch('all', 1), { acks: -1 }), kafkaCode('NOT_ENOUGH_REPLICAS'));
      assert.equal(store.partition('stamped', 0).logEndOffset, 3);
    });
  });
}

partitionStoreContract('LogManager', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-store-'));
  const store = LogManager.open(dir, { maxPartitionsPerTopic: MAX_PARTITIONS, maxPartitions: MAX_TOTAL_PARTITIONS });
  return {
    store,
    close() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

partitionStoreContract('MemoryPartitionStore', () => ({ store: new MemoryPartitionStore({ maxPartitionsPerTopic: MAX_PARTITIONS, maxPartitions: MAX_TOTAL_PARTITIONS }), close: () => undefined }));

describe('MemoryPartitionStore retention stand-in', () => {
  it('expires whole batches: the log start moves to the first kept batch', () => {
    const store = new MemoryPartitionStore();
    store.createTopic('t', 1);
    const p = store.partition('t', 0);
    for (const label of ['a', 'b', 'c']) p.append(makeBatch(label, 4));
    p.expireBefore(6);
    assert.equal(p.logStartOffset, 4, 'the batch 4-7 holds offset 6 and stays');
    assert.throws(() => p.read(3, 100), (e: unknown) => e instanceof OffsetOutOfRangeError && e.logStartOffset === 4);
    p.expireBefore(12);
    assert.deepEqual([p.logStartOffset, p.logEndOffset, p.read(12, 100).records.length], [12, 12, 0]);
  });
});
