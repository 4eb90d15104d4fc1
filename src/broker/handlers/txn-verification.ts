import { KafkaError } from '../../protocol/error-codes';
import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, isControlBatch } from '../../protocol/record-batch';
import { isTransactionalBatch } from '../../protocol/control-batch';
import type { StoredPartition } from '../../ports/partition-store';
import type { BrokerState } from '../broker-state';

/**
 * Kafka 3.9's transaction verification (KIP-890 part 1, transaction.partition.verification.enable=true): the
 * first transactional batch a producer writes to a partition must belong to a transaction that the coordinator has
 * this partition in, with the producer's current epoch. Without it a late batch (say, from a producer whose
 * transaction timed out) would open a transaction no coordinator ends, and read_committed consumers would wait
 * behind it for ever. Batches of an already open transaction, and producers without a transactional id, pass.
 */
export function verifyTransactionalAppend(broker: BrokerState, transactionalId: string | null, topic: string, partition: number, log: StoredPartition, records: Buffer): void {
  if (transactionalId === null || records.length < BATCH_HEADER_SIZE) return;
  const attributes = records.readInt16BE(ATTRIBUTES_POS);
  if (!isTransactionalBatch(attributes) || isControlBatch(attributes)) return;
  const producerId = Number(records.readBigInt64BE(PRODUCER_ID_POS));
  if (producerId < 0 || log.hasOpenTransaction(producerId)) return;
  const producer = { producerId, producerEpoch: records.readInt16BE(PRODUCER_EPOCH_POS) };
  let added: boolean;
  try {
    added = broker.stores.transactions.hasPartitions(transactionalId, producer, [{ topic, partition }]);
  } catch (error) {
    // Produce answers a fenced epoch as INVALID_PRODUCER_EPOCH (Kafka 2.7+), which producers treat as abortable.
    if (error instanceof KafkaError && error.errorName === 'PRODUCER_FENCED') throw new KafkaError('INVALID_PRODUCER_EPOCH', error.message);
    if (error instanceof KafkaError && error.errorName === 'INVALID_PRODUCER_ID_MAPPING') throw new KafkaError('INVALID_TXN_STATE', error.message);
    throw error;
  }
  if (!added) {
    throw new KafkaError('INVALID_TXN_STATE', `${topic}-${partition} is not part of an open transaction of ${transactionalId} (producer ${producerId}, epoch ${producer.producerEpoch})`);
  }
}
