/**
 * Producer ids and transactions, as Kafka's TransactionCoordinator serves
 * them: what the InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn,
 * TxnOffsetCommit, ListTransactions and DescribeTransactions handlers use.
 *
 * Failures are KafkaErrors named as Kafka names them (PRODUCER_FENCED,
 * INVALID_PRODUCER_ID_MAPPING, INVALID_TXN_STATE, CONCURRENT_TRANSACTIONS,
 * INVALID_TRANSACTION_TIMEOUT); handlers turn PRODUCER_FENCED into
 * INVALID_PRODUCER_EPOCH for the request versions that predate it.
 */

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface TxnOffset extends TopicPartitionRef {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface TransactionDescription {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** Kafka's state name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Dead, PrepareEpochFence. */
  state: string;
  timeoutMs: number;
  /** When the open transaction began, or -1. */
  startTimeMs: number;
  partitions: TopicPartitionRef[];
}

/** Where committed transactional offsets go: the group coordinator's offset store. */
export interface TransactionalOffsetSink {
  /** Resolves once the offsets are durable. */
  commitOffsets(groupId: string, offsets: TxnOffset[]): Promise<void> | void;
}

export interface TransactionCoordinator {
  /**
   * A new producer id (idempotent producer, `transactionalId` null), or for a
   * transactional id its producer id with the epoch bumped, fencing older
   * instances and aborting a transaction they left open. `expected` (v3+)
   * names the id and epoch the caller holds, to bump it without fencing itself.
   */
  initProducerId(transactionalId: string | null, transactionTimeoutMs: number, expected?: ProducerIdAndEpoch): ProducerIdAndEpoch;
  /** Adds partitions to the open transaction (opening it); the caller has checked that they exist. */
  addPartitions(transactionalId: string, producer: ProducerIdAndEpoch, partitions: TopicPartitionRef[]): void;
  /** True when every partition is part of the open transaction (AddPartitionsToTxn verifyOnly). */
  hasPartitions(transactionalId: string, producer: ProducerIdAndEpoch, partitions: TopicPartitionRef[]): boolean;
  addOffsets(transactionalId: string, producer: ProducerIdAndEpoch, groupId: string): void;
  /** Offsets committed at EndTxn(commit), dropped at abort; the group must have been added with addOffsets. */
  txnOffsetCommit(transactionalId: string, producer: ProducerIdAndEpoch, groupId: string, offsets: TxnOffset[]): void;
  /** Writes the commit or abort markers to every partition of the transaction and completes it (at commit, once the group offsets are durable). */
  endTransaction(transactionalId: string, producer: ProducerIdAndEpoch, commit: boolean): Promise<void>;
  listTransactions(): TransactionDescription[];
  describeTransaction(transactionalId: string): TransactionDescription | undefined;
}
