import { KafkaError } from '../protocol/error-codes';
import type { ProducerIdAndEpoch } from '../ports/transaction-coordinator';
import type { TxnRecord } from './transaction-journal';

/** An epoch this high is exhausted: the next bump takes a new producer id (Kafka: Short.MaxValue - 1). */
export const MAX_EPOCH = 32766;

export function fenced(transactionalId: string, producer: ProducerIdAndEpoch, txn: TxnRecord): never {
  throw new KafkaError('PRODUCER_FENCED', `transactional id ${transactionalId}: epoch ${producer.producerEpoch} of producer ${producer.producerId} is not the current epoch ${txn.producerEpoch}`);
}

/**
 * Which (id, epoch) an InitProducerId caller may present for an existing transactional id: PRODUCER_FENCED
 * when neither is current; 'retry' when it repeats a bump that was already made (answer the current id and
 * epoch without bumping again); 'current' otherwise.
 */
export function checkExpectedProducer(transactionalId: string, txn: TxnRecord, expected: ProducerIdAndEpoch): 'current' | 'retry' {
  // Kafka's rules (KIP-360, KIP-588): the caller's id must be the current one (or the one before an epoch overflow),
  // and its epoch the current one; the epoch before a bump is a retry of that bump, answered without bumping again.
  const knownId = expected.producerId === txn.producerId || (expected.producerId === txn.lastProducerId && expected.producerEpoch >= MAX_EPOCH);
  if (!knownId) fenced(transactionalId, expected, txn);
  const isCurrent = expected.producerEpoch === -1 || (expected.producerId === txn.producerId && expected.producerEpoch === txn.producerEpoch);
  if (!isCurrent) {
    if (expected.producerEpoch === txn.lastProducerEpoch && txn.state !== 'Ongoing') return 'retry';
    fenced(transactionalId, expected, txn);
  }
  return 'current';
}

/** InitProducerId's bump: the next epoch, or a new producer id at epoch 0 once the epoch is exhausted. */
export function bumpEpoch(txn: TxnRecord, remember: boolean | undefined, allocateProducerId: () => number): void {
  if (txn.producerEpoch >= MAX_EPOCH) {
    txn.lastProducerId = txn.producerId;
    txn.lastProducerEpoch = txn.producerEpoch;
    txn.producerId = allocateProducerId();
    txn.producerEpoch = 0;
    return;
  }
  txn.lastProducerEpoch = remember ? txn.producerEpoch : -1;
  txn.producerEpoch += 1;
}

/** The bump of Kafka's fencing abort: the markers then carry an epoch the producer that left it open no longer has. */
export function bumpEpochToFence(txn: TxnRecord, rememberOldEpoch: boolean): void {
  if (txn.producerEpoch < MAX_EPOCH) {
    // After a timeout the old epoch is remembered, so that producer may recover with InitProducerId (KIP-588).
    txn.lastProducerEpoch = rememberOldEpoch ? txn.producerEpoch : -1;
    txn.producerEpoch += 1;
  }
}
