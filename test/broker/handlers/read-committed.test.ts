import { strict as assert } from 'node:assert';
import {
  describeProducersRequestSchema, describeProducersResponseSchema, fetchRequestSchema, fetchResponseSchema, FetchRequest,
  listOffsetsRequestSchema, listOffsetsResponseSchema,
} from '../../../src/protocol/generated';
import { fetchHandler } from '../../../src/broker/handlers/01-fetch';
import { listOffsetsHandler } from '../../../src/broker/handlers/02-list-offsets';
import { describeProducersHandler } from '../../../src/broker/handlers/61-describe-producers';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { recordsFrom } from '../../../src/client/fetched-records';
import type { BrokerState } from '../../../src/broker/broker-state';
import { asProducerBatch, makeBatch } from '../../helpers/batches';
import { answer, brokerStateOver } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const TXN_PRODUCER = 21;
const OTHER_PRODUCER = 22;

function fetchRequest(isolationLevel: number, fetchOffset = 0): FetchRequest {
  return {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
    topics: [{ topic: 'orders', topicId: Buffer.alloc(16), partitions: [{ partition: 0, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
  };
}

describe('read_committed: Fetch, ListOffsets and DescribeProducers over open and aborted transactions', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore();
    store.createTopic('orders', 1);
    broker = brokerStateOver(store);
    const p = store.partition('orders', 0);
    p.append(makeBatch('plain', 2)); // 0-1
    p.append(asProducerBatch(makeBatch('txn', 3), TXN_PRODUCER, 0, 0, true)); // 2-4, left open
    p.append(asProducerBatch(makeBatch('other', 2), OTHER_PRODUCER, 0, 0)); // 5-6
  });

  async function fetched(isolationLevel: number, fetchOffset = 0) {
    const response = await answer(fetchHandler, { request: fetchRequestSchema, response: fetchResponseSchema }, 11, fetchRequest(isolationLevel, fetchOffset), broker);
    const partition = response.responses[0].partitions[0];
    return { partition, values: recordsFrom(partition.records ?? Buffer.alloc(0), fetchOffset).records.map((r) => r.value!.toString()) };
  }
  const latest = async (isolationLevel: number) => (await answer(listOffsetsHandler, { request: listOffsetsRequestSchema, response: listOffsetsResponseSchema }, 5, {
    replicaId: -1, isolationLevel, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }],
  }, broker)).topics[0].partitions[0].offset;

  it('stops before an open transaction: nothing at or after the last stable offset is returned', async () => {
    const committed = await fetched(1);
    assert.deepEqual(committed.values, ['plain:0', 'plain:1']);
    assert.deepEqual([committed.partition.lastStableOffset, committed.partition.highWatermark], [2, 7]);
    assert.deepEqual(committed.partition.abortedTransactions, []);
    assert.equal((await fetched(1, 2)).values.length, 0, 'a fetch at the last stable offset waits');
    const uncommitted = await fetched(0);
    assert.equal(uncommitted.values.length, 7);
    assert.equal(uncommitted.partition.abortedTransactions, null, 'read_uncommitted gets no aborted list');
    assert.deepEqual([await latest(1), await latest(0)], [2, 7], 'ListOffsets latest: last stable offset for read_committed');
  });

  it('after the abort marker, returns everything with the aborted transaction listed for the client to drop', async () => {
    store.partition('orders', 0).writeTxnMarker({ producerId: TXN_PRODUCER, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    const committed = await fetched(1);
    assert.deepEqual(committed.partition.lastStableOffset, 8);
    assert.deepEqual(committed.partition.abortedTransactions, [{ producerId: TXN_PRODUCER, firstOffset: 2 }]);
    assert.equal(committed.values.length, 7, 'records of the aborted transaction come too (the client drops them); the marker is no record');
    assert.equal(await latest(1), 8);
    store.partition('orders', 0).append(makeBatch('after', 1));
    assert.deepEqual((await fetched(1, 7)).partition.abortedTransactions, [{ producerId: TXN_PRODUCER, firstOffset: 2 }], 'a fetch from the marker on still lists it');
    const after = await fetched(1, 8);
    assert.deepEqual([after.values, after.partition.abortedTransactions], [['after:0'], []], 'a fetch past the marker lists nothing');
  });

  it('DescribeProducers lists each producer id with its epoch, last sequence and open transaction', async () => {
    const response = await answer(describeProducersHandler, { request: describeProducersRequestSchema, response: describeProducersResponseSchema }, 0, {
      topics: [{ name: 'orders', partitionIndexes: [0, 5] }],
    }, broker);
    const [known, missing] = response.topics[0].partitions;
    const producers = known.activeProducers.map((p) => [p.producerId, p.producerEpoch, p.lastSequence, p.currentTxnStartOffset]).sort();
    assert.deepEqual(producers, [[TXN_PRODUCER, 0, 2, 2], [OTHER_PRODUCER, 0, 1, -1]]);
    assert.equal(missing.errorCode, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code);
  });
});
