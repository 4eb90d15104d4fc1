import { strict as assert } from 'node:assert';
import { listOffsetsRequestSchema, listOffsetsResponseSchema, ListOffsetsResponse } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { buildRecordBatch } from '../../../src/protocol/records';
import { listOffsetsHandler } from '../../../src/broker/handlers/02-list-offsets';
import type { BrokerState } from '../../../src/broker/broker-state';
import { makeBatch, withCodec } from '../../helpers/batches';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: listOffsetsRequestSchema, response: listOffsetsResponseSchema };
const T0 = 1_700_000_000_000;
const LATEST = -1;
const EARLIEST = -2;

function timed(count: number, first: number): Buffer {
  return buildRecordBatch(Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`t${first + i}`), timestamp: T0 + first + i })));
}

async function list(broker: BrokerState, version: number, asks: [topic: string, partition: number, timestamp: number][]) {
  const topics = [...new Set(asks.map(([topic]) => topic))].map((name) => ({
    name,
    partitions: asks.filter(([t]) => t === name).map(([, partitionIndex, timestamp]) => ({ partitionIndex, timestamp, currentLeaderEpoch: -1 })),
  }));
  const response: ListOffsetsResponse = await answer(listOffsetsHandler, api, version, { replicaId: -1, isolationLevel: 0, topics }, broker);
  return response.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, ...p })));
}

describe('ListOffsets handler (API 2)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore();
    store.createTopic('times', 2);
    store.partition('times', 0).append(timed(10, 0));
    store.partition('times', 0).append(timed(10, 10));
    broker = brokerStateOver(store);
  });

  it('answers earliest, latest and the first offset at or after a timestamp, at every version', async () => {
    for (const version of versionsOf(listOffsetsHandler).filter((v) => v >= 1)) {
      const answers = await list(broker, version, [['times', 0, EARLIEST], ['times', 0, LATEST], ['times', 0, T0 + 7], ['times', 0, T0 + 12], ['times', 1, LATEST]]);
      assert.deepEqual(answers.map((a) => [a.partitionIndex, a.errorCode, a.offset, a.timestamp]), [
        [0, 0, 0, -1],
        [0, 0, 20, -1],
        [0, 0, 7, T0 + 7],
        [0, 0, 12, T0 + 12],
        [1, 0, 0, -1],
      ], `v${version}`);
      if (version >= 4) assert.deepEqual(answers.map((a) => a.leaderEpoch), [0, 0, 0, 0, 0]);
    }
  });

  it('answers v0 in oldStyleOffsets', async () => {
    const answers = await list(broker, 0, [['times', 0, EARLIEST], ['times', 0, LATEST], ['times', 0, T0 + 7], ['times', 0, T0 + 10_000]]);
    assert.deepEqual(answers.map((a) => [a.errorCode, a.oldStyleOffsets]), [[0, [0]], [0, [20]], [0, [7]], [0, []]]);
  });

  it('answers MAX_TIMESTAMP (v7), EARLIEST_LOCAL (v8) and LATEST_TIERED (v9) as a broker without tiered storage', async () => {
    store.partition('times', 1).append(timed(3, 100));
    store.partition('times', 1).append(timed(3, 5));
    store.partition('times', 1).expireBefore(0);
    for (const version of [7, 8, 9]) {
      const asks: [string, number, number][] = [['times', 0, -3], ['times', 1, -3]];
      if (version >= 8) asks.push(['times', 0, -4]);
      if (version >= 9) asks.push(['times', 0, -5]);
      const answers = await list(broker, version, asks);
      const expected = [[0, 19, T0 + 19, 0], [0, 2, T0 + 102, 0], [0, 0, -1, 0], [0, -1, -1, -1]].slice(0, asks.length);
      assert.deepEqual(answers.map((a) => [a.errorCode, a.offset, a.timestamp, a.leaderEpoch]), expected, `v${version}`);
    }
    store.partition('times', 0).deleteRecordsBefore(5);
    const [earliestLocal] = await list(broker, 8, [['times', 0, -4]]);
    assert.equal(earliestLocal.offset, 5, 'EARLIEST_LOCAL follows the log start');
  });

  it('fences a current leader epoch other than 0 (UNKNOWN_LEADER_EPOCH newer, FENCED_LEADER_EPOCH older)', async () => {
    const response = await answer(listOffsetsHandler, api, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'times', partitions: [
      { partitionIndex: 0, timestamp: LATEST, currentLeaderEpoch: 3 }, { partitionIndex: 0, timestamp: LATEST, currentLeaderEpoch: 0 }, { partitionIndex: 1, timestamp: LATEST, currentLeaderEpoch: -7 },
    ] }] }, broker);
    assert.deepEqual(response.topics[0].partitions.map((p) => p.errorCode), [KafkaErrors.UNKNOWN_LEADER_EPOCH.code, 0, KafkaErrors.FENCED_LEADER_EPOCH.code]);
  });

  it('answers -1 for a timestamp after every record, and the log start once old batches expired', async () => {
    store.partition('times', 0).expireBefore(12);
    const answers = await list(broker, 5, [['times', 0, T0 + 10_000], ['times', 0, EARLIEST], ['times', 0, T0]]);
    assert.deepEqual(answers.map((a) => [a.errorCode, a.offset, a.timestamp]), [[0, -1, -1], [0, 10, -1], [0, 10, T0 + 10]]);
  });

  it('answers the base offset of a compressed batch holding the timestamp', async () => {
    store.createTopic('packed', 1);
    store.partition('packed', 0).append(makeBatch('plain', 3, { timestamp: T0 }));
    store.partition('packed', 0).append(withCodec(timed(5, 50), 1));
    const [found] = await list(broker, 5, [['packed', 0, T0 + 52]]);
    assert.deepEqual([found.offset, found.timestamp], [3, T0 + 54]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION with -1 offsets beside good answers', async () => {
    const answers = await list(broker, 5, [['times', 0, LATEST], ['times', 7, LATEST], ['nope', 0, EARLIEST]]);
    assert.deepEqual(answers.map((a) => [a.topic, a.partitionIndex, a.errorCode, a.offset, a.timestamp, a.leaderEpoch]), [
      ['times', 0, 0, 20, -1, 0],
      ['times', 7, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code, -1, -1, -1],
      ['nope', 0, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code, -1, -1, -1],
    ]);
    assert.ok(!store.hasTopic('nope'));
  });
});
