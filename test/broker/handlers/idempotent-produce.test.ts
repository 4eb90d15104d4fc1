import { strict as assert } from 'node:assert';
import { produceRequestSchema, produceResponseSchema } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { produceHandler } from '../../../src/broker/handlers/00-produce';
import { buildControlBatch } from '../../../src/protocol/control-batch';
import { CRC_POS, computeBatchCrc } from '../../../src/protocol/record-batch';
import type { BrokerState } from '../../../src/broker/broker-state';
import { asProducerBatch, makeBatch } from '../../helpers/batches';
import { answer, brokerStateOver } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: produceRequestSchema, response: produceResponseSchema };
const PID = 4000;

describe('Produce handler: idempotent and transactional producers (sequence and epoch checks)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore();
    store.createTopic('events', 1);
    broker = brokerStateOver(store);
  });

  async function produce(records: Buffer, version = 8): Promise<{ errorCode: number; baseOffset: number }> {
    const request = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'events', partitionData: [{ index: 0, records }] }] };
    const response = await answer(produceHandler, api, version, request, broker);
    const { errorCode, baseOffset } = response.responses[0].partitionResponses[0];
    return { errorCode, baseOffset };
  }
  const batch = (seq: number, count = 3, epoch = 0, transactional = false) => asProducerBatch(makeBatch(`s${seq}`, count), PID, epoch, seq, transactional);
  const logEnd = () => store.partition('events', 0).logEndOffset;

  it('answers a retry of any of the last five batches with its original offset and stores it once', async () => {
    for (let i = 0; i < 7; i++) assert.deepEqual(await produce(batch(i * 3)), { errorCode: 0, baseOffset: i * 3 });
    assert.equal(logEnd(), 21);
    for (const i of [2, 3, 4, 5, 6]) assert.deepEqual(await produce(batch(i * 3)), { errorCode: 0, baseOffset: i * 3 }, `retry of batch ${i}`);
    assert.equal(logEnd(), 21, 'no retry was appended');
    // The sixth-newest batch is no longer remembered: its sequence is out of order now.
    assert.equal((await produce(batch(3))).errorCode, KafkaErrors.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
    assert.equal(logEnd(), 21);
  });

  it('refuses a gap in the sequence with OUT_OF_ORDER_SEQUENCE_NUMBER and appends nothing', async () => {
    await produce(batch(0));
    assert.equal((await produce(batch(4))).errorCode, KafkaErrors.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
    assert.equal((await produce(batch(2))).errorCode, KafkaErrors.OUT_OF_ORDER_SEQUENCE_NUMBER.code, 'overlapping a stored batch but not equal to one');
    assert.equal(logEnd(), 3);
    assert.deepEqual(await produce(batch(3)), { errorCode: 0, baseOffset: 3 });
  });

  it('refuses an older epoch with INVALID_PRODUCER_EPOCH; a new epoch must start at sequence 0', async () => {
    await produce(batch(0, 3, 1));
    assert.equal((await produce(batch(3, 3, 0))).errorCode, KafkaErrors.INVALID_PRODUCER_EPOCH.code);
    assert.equal((await produce(batch(5, 3, 2))).errorCode, KafkaErrors.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
    assert.deepEqual(await produce(batch(0, 3, 2)), { errorCode: 0, baseOffset: 3 });
    assert.equal((await produce(batch(3, 3, 1))).errorCode, KafkaErrors.INVALID_PRODUCER_EPOCH.code, 'epoch 1 is fenced now');
    assert.equal(logEnd(), 6);
  });

  it('accepts any first sequence from a producer it has no state for (Kafka 3.x: no UNKNOWN_PRODUCER_ID)', async () => {
    assert.deepEqual(await produce(batch(1234)), { errorCode: 0, baseOffset: 0 });
    assert.deepEqual(await produce(batch(1237)), { errorCode: 0, baseOffset: 3 });
  });

  it('wraps sequences from 2147483647 to 0', async () => {
    await produce(batch(2147483645, 3)); // 2147483645, 2147483646, 2147483647
    assert.deepEqual(await produce(batch(0, 2)), { errorCode: 0, baseOffset: 3 });
  });

  it('tracks an open transaction: a plain write meanwhile is INVALID_TXN_STATE, and the last stable offset stays at its start', async () => {
    await produce(asProducerBatch(makeBatch('plain', 2), 77, 0, 0));
    await produce(batch(0, 3, 0, true));
    const partition = store.partition('events', 0);
    assert.equal(partition.lastStableOffset, 2);
    assert.equal((await produce(batch(3, 3, 0, false))).errorCode, KafkaErrors.INVALID_TXN_STATE.code);
    partition.writeTxnMarker({ producerId: PID, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    assert.equal(partition.lastStableOffset, 6);
    assert.deepEqual(partition.abortedTransactions(0, 6), [{ producerId: PID, firstOffset: 2, lastOffset: 5 }]);
    assert.deepEqual(partition.abortedTransactions(6, 10), [], 'nothing aborted after the marker');
  });

  it('refuses control batches from clients with INVALID_RECORD', async () => {
    const marker = buildControlBatch({ producerId: PID, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
    assert.equal((await produce(marker)).errorCode, KafkaErrors.INVALID_RECORD.code);
    const garbled = Buffer.from(marker);
    garbled.fill(0xff, garbled.length - 8);
    garbled.writeUInt32BE(computeBatchCrc(garbled, 0, garbled.length), CRC_POS);
    assert.equal((await produce(garbled)).errorCode, KafkaErrors.INVALID_RECORD.code, 'even one whose record cannot be read');
    assert.equal(logEnd(), 0);
  });
});
