import { strict as assert } from 'node:assert';
import {
  addOffsetsToTxnRequestSchema, addOffsetsToTxnResponseSchema, addPartitionsToTxnRequestSchema, addPartitionsToTxnResponseSchema,
  describeTransactionsRequestSchema, describeTransactionsResponseSchema, endTxnRequestSchema, endTxnResponseSchema,
  initProducerIdRequestSchema, initProducerIdResponseSchema, listTransactionsRequestSchema, listTransactionsResponseSchema,
  produceRequestSchema, produceResponseSchema, txnOffsetCommitRequestSchema, txnOffsetCommitResponseSchema,
} from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { initProducerIdHandler } from '../../../src/broker/handlers/22-init-producer-id';
import { addPartitionsToTxnHandler } from '../../../src/broker/handlers/24-add-partitions-to-txn';
import { addOffsetsToTxnHandler } from '../../../src/broker/handlers/25-add-offsets-to-txn';
import { endTxnHandler } from '../../../src/broker/handlers/26-end-txn';
import { txnOffsetCommitHandler } from '../../../src/broker/handlers/28-txn-offset-commit';
import { listTransactionsHandler } from '../../../src/broker/handlers/66-list-transactions';
import { describeTransactionsHandler } from '../../../src/broker/handlers/65-describe-transactions';
import { produceHandler } from '../../../src/broker/handlers/00-produce';
import { LocalTransactionCoordinator, PRODUCER_ID_BLOCK_SIZE } from '../../../src/txn/transaction-coordinator';
import type { BrokerState } from '../../../src/broker/broker-state';
import type { TxnOffset } from '../../../src/ports/transaction-coordinator';
import { isControlBatch, readBatchHeader } from '../../../src/protocol/record-batch';
import { asProducerBatch, makeBatch } from '../../helpers/batches';
import { answer, brokerStateOver } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { useTempDir } from '../../helpers/temp-dir';
import { stableSingleMember } from '../../helpers/group-requests';

const E = KafkaErrors;
const initApi = { request: initProducerIdRequestSchema, response: initProducerIdResponseSchema };
const addPartitionsApi = { request: addPartitionsToTxnRequestSchema, response: addPartitionsToTxnResponseSchema };
const endApi = { request: endTxnRequestSchema, response: endTxnResponseSchema };

describe('transaction handlers (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit, List/DescribeTransactions)', () => {
  const tmp = useTempDir();
  let clock: number;
  let store: MemoryPartitionStore;
  let coordinator: LocalTransactionCoordinator;
  let broker: BrokerState;
  let committedOffsets: { groupId: string; offsets: TxnOffset[] }[];

  function openCoordinator(): void {
    coordinator = LocalTransactionCoordinator.open({
      dataDir: tmp(), partitions: store, now: () => clock, maxTimeoutMs: 60_000,
      offsets: { commitOffsets: (groupId, offsets) => void committedOffsets.push({ groupId, offsets }) },
    });
    broker = brokerStateOver(store, {}, { transactions: coordinator });
  }
  beforeEach(() => {
    clock = 1_000_000;
    committedOffsets = [];
    store = new MemoryPartitionStore();
    store.createTopic('orders', 2);
    openCoordinator();
  });
  afterEach(() => coordinator.close());

  const init = (transactionalId: string | null, version = 4, extra: { timeout?: number; producerId?: number; producerEpoch?: number } = {}) =>
    answer(initProducerIdHandler, initApi, version, { transactionalId, transactionTimeoutMs: extra.timeout ?? 10_000, producerId: extra.producerId ?? -1, producerEpoch: extra.producerEpoch ?? -1 }, broker);
  const addPartitions = async (id: string, producerId: number, producerEpoch: number, topics: { name: string; partitions: number[] }[], version = 3) => {
    const response = await answer(addPartitionsToTxnHandler, addPartitionsApi, version, {
      v3AndBelowTransactionalId: id, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: topics,
    }, broker);
    return response.resultsByTopicV3AndBelow!.flatMap((t) => t.resultsByPartition.map((p) => `${t.name}-${p.partitionIndex}:${p.partitionErrorCode}`));
  };
  const endTxn = async (id: string, producerId: number, producerEpoch: number, committed: boolean, version = 3) =>
    (await answer(endTxnHandler, endApi, version, { transactionalId: id, producerId, producerEpoch, committed }, broker)).errorCode;
  const produce = async (producerId: number, epoch: number, seq: number, partition = 0) => {
    const records = asProducerBatch(makeBatch(`p${seq}`, 2), producerId, epoch, seq, true);
    const response = await answer(produceHandler, { request: produceRequestSchema, response: produceResponseSchema }, 8, {
      transactionalId: 'tx', acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: partition, records }] }],
    }, broker);
    return response.responses[0].partitionResponses[0].errorCode;
  };

  it('gives idempotent producers ids that never repeat, even across a restart (a block is reserved durably first)', async () => {
    const first = await init(null, 0);
    const second = await init(null, 5);
    assert.deepEqual([first.errorCode, first.producerEpoch, second.errorCode, second.producerEpoch], [0, 0, 0, 0]);
    assert.notEqual(first.producerId, second.producerId);
    coordinator.close();
    openCoordinator();
    const afterRestart = await init(null);
    assert.ok(afterRestart.producerId! >= PRODUCER_ID_BLOCK_SIZE, `${afterRestart.producerId} is past the block handed out before the restart`);
  });

  it('bumps a transactional id\'s epoch at each InitProducerId and fences the older instance', async () => {
    const a = await init('tx');
    const b = await init('tx');
    assert.equal(a.producerId, b.producerId);
    assert.deepEqual([a.producerEpoch, b.producerEpoch], [0, 1]);
    assert.deepEqual(await addPartitions('tx', a.producerId!, a.producerEpoch, [{ name: 'orders', partitions: [0] }]), [`orders-0:${E.PRODUCER_FENCED.code}`]);
    assert.deepEqual(await addPartitions('tx', a.producerId!, a.producerEpoch, [{ name: 'orders', partitions: [0] }], 1), [`orders-0:${E.INVALID_PRODUCER_EPOCH.code}`], 'v1 predates PRODUCER_FENCED');
    assert.equal((await init('tx', 4, { producerId: a.producerId, producerEpoch: 5 })).errorCode, E.PRODUCER_FENCED.code);
    assert.equal((await init('tx', 3, { producerId: a.producerId, producerEpoch: 5 })).errorCode, E.INVALID_PRODUCER_EPOCH.code);
    const bumped = await init('tx', 4, { producerId: b.producerId, producerEpoch: b.producerEpoch });
    assert.deepEqual([bumped.errorCode, bumped.producerEpoch], [0, 2]);
    const retried = await init('tx', 4, { producerId: b.producerId, producerEpoch: b.producerEpoch });
    assert.deepEqual([retried.errorCode, retried.producerEpoch], [0, 2], 'a retried bump is not bumped again');
  });

  it('refuses transaction timeouts outside (0, transaction.max.timeout.ms] with INVALID_TRANSACTION_TIMEOUT', async () => {
    assert.equal((await init('tx', 4, { timeout: 0 })).errorCode, E.INVALID_TRANSACTION_TIMEOUT.code);
    assert.equal((await init('tx', 4, { timeout: 60_001 })).errorCode, E.INVALID_TRANSACTION_TIMEOUT.code);
    assert.equal((await init('tx', 4, { timeout: 60_000 })).errorCode, 0);
  });

  it('checks partitions and producer ids in AddPartitionsToTxn as Kafka does', async () => {
    const { producerId, producerEpoch } = await init('tx');
    assert.deepEqual(await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [0, 7] }, { name: 'nope', partitions: [0] }]), [
      `orders-0:${E.OPERATION_NOT_ATTEMPTED.code}`, `orders-7:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`, `nope-0:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`,
    ]);
    assert.deepEqual(await addPartitions('tx', producerId! + 1, producerEpoch, [{ name: 'orders', partitions: [0] }]), [`orders-0:${E.INVALID_PRODUCER_ID_MAPPING.code}`]);
    assert.deepEqual(await addPartitions('other', producerId!, producerEpoch, [{ name: 'orders', partitions: [0] }]), [`orders-0:${E.INVALID_PRODUCER_ID_MAPPING.code}`]);
    assert.deepEqual(await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [0, 1] }]), ['orders-0:0', 'orders-1:0']);
    const verify = await answer(addPartitionsToTxnHandler, addPartitionsApi, 4, {
      transactions: [{ transactionalId: 'tx', producerId: producerId!, producerEpoch, verifyOnly: true, topics: [{ name: 'orders', partitions: [1] }] }],
    }, broker);
    assert.equal(verify.resultsByTransaction![0].topicResults[0].resultsByPartition[0].partitionErrorCode, 0, 'v4 verifyOnly finds the partition');
  });

  it('commits with a marker in every partition of the transaction and answers EndTxn as Kafka by state', async () => {
    const { producerId, producerEpoch } = await init('tx');
    assert.equal(await endTxn('tx', producerId!, producerEpoch, true), E.INVALID_TXN_STATE.code, 'nothing to commit in Empty');
    await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [0, 1] }]);
    assert.equal(await produce(producerId!, producerEpoch, 0), 0);
    assert.equal(store.partition('orders', 0).lastStableOffset, 0, 'the open transaction holds the last stable offset');
    assert.equal(await endTxn('tx', producerId!, producerEpoch, true), 0);
    for (const p of [0, 1]) {
      const partition = store.partition('orders', p);
      const records = partition.read(p === 0 ? 2 : 0, 1 << 20).records;
      const header = readBatchHeader(records);
      assert.ok(isControlBatch(header.attributes) && (header.attributes & 0x10) !== 0, `orders-${p} holds a transactional control batch`);
      assert.equal(header.producerId, producerId);
      assert.equal(partition.lastStableOffset, partition.logEndOffset);
    }
    assert.deepEqual(store.partition('orders', 0).abortedTransactions(0, 100), []);
    assert.equal(await endTxn('tx', producerId!, producerEpoch, true), 0, 'a retried commit succeeds');
    assert.equal(await endTxn('tx', producerId!, producerEpoch, false), E.INVALID_TXN_STATE.code, 'abort after commit');
    assert.equal(await endTxn('tx', producerId!, producerEpoch + 1, true, 1), E.INVALID_PRODUCER_EPOCH.code);
  });

  it('commits TxnOffsetCommit offsets to the group at commit and drops them at abort', async () => {
    const { producerId, producerEpoch } = await init('tx');
    const producer = { transactionalId: 'tx', producerId: producerId!, producerEpoch };
    for (const commit of [false, true]) {
      assert.equal((await answer(addOffsetsToTxnHandler, { request: addOffsetsToTxnRequestSchema, response: addOffsetsToTxnResponseSchema }, 3, { ...producer, groupId: 'g' }, broker)).errorCode, 0);
      const response = await answer(txnOffsetCommitHandler, { request: txnOffsetCommitRequestSchema, response: txnOffsetCommitResponseSchema }, 3, {
        ...producer, groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: commit ? 42 : 41, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
      }, broker);
      assert.equal(response.topics[0].partitions[0].errorCode, 0);
      // Until EndTxn the offset is pending: OffsetFetch with requireStable (KIP-447) answers UNSTABLE_OFFSET_COMMIT.
      assert.ok(coordinator.hasPendingOffset('g', 'orders', 1));
      assert.ok(!coordinator.hasPendingOffset('g', 'orders', 0) && !coordinator.hasPendingOffset('other', 'orders', 1));
      assert.equal(await endTxn('tx', producerId!, producerEpoch, commit), 0);
      assert.ok(!coordinator.hasPendingOffset('g', 'orders', 1), 'nothing pending once the transaction ended');
    }
    assert.deepEqual(committedOffsets, [{ groupId: 'g', offsets: [{ topic: 'orders', partition: 1, offset: 42, leaderEpoch: -1, metadata: 'm' }] }]);
  });

  it('TxnOffsetCommit v3+ fences a consumer that is no longer the group member of that generation (KIP-447)', async () => {
    broker = brokerStateOver(store, {}, { transactions: coordinator, groups: { options: { initialRebalanceDelayMs: 0 } } });
    const { producerId, producerEpoch } = await init('tx');
    const producer = { transactionalId: 'tx', producerId: producerId!, producerEpoch };
    assert.equal((await answer(addOffsetsToTxnHandler, { request: addOffsetsToTxnRequestSchema, response: addOffsetsToTxnResponseSchema }, 3, { ...producer, groupId: 'g' }, broker)).errorCode, 0);
    const member = await stableSingleMember(broker, 'g');
    const commit = async (version: number, generationId: number, memberId: string, groupInstanceId: string | null = null) => {
      const response = await answer(txnOffsetCommitHandler, { request: txnOffsetCommitRequestSchema, response: txnOffsetCommitResponseSchema }, version, {
        ...producer, groupId: 'g', generationId, memberId, groupInstanceId,
        topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: null }] }],
      }, broker);
      return response.topics[0].partitions[0].errorCode;
    };
    assert.equal(await commit(3, member.generationId, 'zombie'), E.UNKNOWN_MEMBER_ID.code);
    assert.equal(await commit(3, member.generationId + 1, member.memberId), E.ILLEGAL_GENERATION.code);
    assert.equal(await commit(3, member.generationId, member.memberId, 'someone-else'), 0, 'an unknown instance id is not a fenced one');
    assert.equal(await commit(2, member.generationId + 1, 'zombie'), 0, 'v2 carries no member: nothing to check');
    assert.equal(await commit(3, member.generationId, member.memberId), 0);
    assert.ok(coordinator.hasPendingOffset('g', 'orders', 0));
  });

  it('completes a commit only once its group offsets are durable, answering CONCURRENT_TRANSACTIONS meanwhile', async () => {
    coordinator.close();
    let stored!: () => void;
    coordinator = LocalTransactionCoordinator.open({
      dataDir: tmp(), partitions: store, now: () => clock,
      offsets: { commitOffsets: () => new Promise<void>((resolve) => (stored = resolve)) },
    });
    broker = brokerStateOver(store, {}, { transactions: coordinator });
    const { producerId, producerEpoch } = await init('tx');
    coordinator.addOffsets('tx', { producerId: producerId!, producerEpoch }, 'g');
    coordinator.txnOffsetCommit('tx', { producerId: producerId!, producerEpoch }, 'g', [{ topic: 'orders', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }]);
    const ending = endTxn('tx', producerId!, producerEpoch, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(coordinator.describeTransaction('tx')?.state, 'PrepareCommit');
    assert.equal((await init('tx')).errorCode, E.CONCURRENT_TRANSACTIONS.code);
    assert.deepEqual(await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [0] }]), [`orders-0:${E.CONCURRENT_TRANSACTIONS.code}`]);
    stored();
    assert.equal(await ending, 0);
    assert.equal(coordinator.describeTransaction('tx')?.state, 'CompleteCommit');
  });

  it('verifies a transaction\'s first batch in a partition with the coordinator (KIP-890), so no transaction is left hanging', async () => {
    const { producerId, producerEpoch } = await init('tx', 4, { timeout: 5000 });
    assert.equal(await produce(producerId!, producerEpoch, 0), E.INVALID_TXN_STATE.code, 'partition not added to the transaction');
    await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [0] }]);
    assert.equal(await produce(producerId!, producerEpoch, 0), 0);
    clock += 5001;
    coordinator.abortTimedOutTransactions();
    assert.equal(await produce(producerId!, producerEpoch, 0, 1), E.INVALID_PRODUCER_EPOCH.code, 'a late batch of the timed-out transaction');
    assert.deepEqual([store.partition('orders', 1).logEndOffset, store.partition('orders', 1).lastStableOffset], [0, 0]);
  });

  it('aborts a timed-out transaction with a bumped epoch, fencing the producer that left it open', async () => {
    const { producerId, producerEpoch } = await init('tx', 4, { timeout: 5000 });
    await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [0] }]);
    await produce(producerId!, producerEpoch, 0);
    clock += 5001;
    assert.equal(coordinator.abortTimedOutTransactions(), 1);
    const partition = store.partition('orders', 0);
    assert.deepEqual(partition.abortedTransactions(0, 100), [{ producerId, firstOffset: 0, lastOffset: 2 }]);
    assert.equal(partition.lastStableOffset, 3);
    assert.equal(await produce(producerId!, producerEpoch, 2), E.INVALID_PRODUCER_EPOCH.code, 'the marker carries the bumped epoch');
    assert.equal(await endTxn('tx', producerId!, producerEpoch, false), E.PRODUCER_FENCED.code);
    const recovered = await init('tx', 4, { producerId: producerId!, producerEpoch });
    assert.deepEqual([recovered.errorCode, recovered.producerEpoch], [0, producerEpoch + 1], 'KIP-588: the timed-out producer may recover');
  });

  it('keeps transaction state across a restart and aborts a transaction that timed out meanwhile', async () => {
    const { producerId, producerEpoch } = await init('tx', 4, { timeout: 5000 });
    await addPartitions('tx', producerId!, producerEpoch, [{ name: 'orders', partitions: [1] }]);
    await produce(producerId!, producerEpoch, 0, 1);
    coordinator.close();
    clock += 1000;
    openCoordinator();
    assert.equal(coordinator.describeTransaction('tx')?.state, 'Ongoing');
    const list = await answer(listTransactionsHandler, { request: listTransactionsRequestSchema, response: listTransactionsResponseSchema }, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1 }, broker);
    assert.deepEqual(list.transactionStates, [{ transactionalId: 'tx', producerId, transactionState: 'Ongoing' }]);
    assert.deepEqual(list.unknownStateFilters, ['Bogus']);
    coordinator.close();
    clock += 5000;
    openCoordinator();
    const described = await answer(describeTransactionsHandler, { request: describeTransactionsRequestSchema, response: describeTransactionsResponseSchema }, 0, { transactionalIds: ['tx', 'unknown'] }, broker);
    assert.deepEqual(described.transactionStates.map((t) => [t.transactionalId, t.errorCode, t.transactionState, t.producerEpoch]), [
      ['tx', 0, 'CompleteAbort', producerEpoch + 1], ['unknown', E.TRANSACTIONAL_ID_NOT_FOUND.code, '', -1],
    ]);
    assert.deepEqual(store.partition('orders', 1).abortedTransactions(0, 100), [{ producerId, firstOffset: 0, lastOffset: 2 }]);
  });
});
