import { KafkaError } from '../protocol/error-codes';
import type { PartitionStore } from '../ports/partition-store';
import type {
  ProducerIdAndEpoch, TopicPartitionRef, TransactionCoordinator, TransactionDescription, TransactionalOffsetSink, TxnOffset,
} from '../ports/transaction-coordinator';
import { JournalContents, TransactionJournal, TxnRecord } from './transaction-journal';
import { ProducerIdBlocks } from './producer-id-blocks';
import { bumpEpoch, bumpEpochToFence, checkExpectedProducer, fenced } from './producer-epochs';
import { CompletionContext, completeTransaction } from './transaction-completion';

export { PRODUCER_ID_BLOCK_SIZE } from './producer-id-blocks';

/** Kafka's transaction.max.timeout.ms default (15 minutes). */
export const DEFAULT_TRANSACTION_MAX_TIMEOUT_MS = 900_000;
/** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms default. */
export const DEFAULT_ABORT_CHECK_INTERVAL_MS = 10_000;

export interface TransactionCoordinatorOptions {
  dataDir: string;
  partitions: PartitionStore;
  maxTimeoutMs?: number;
  abortCheckIntervalMs?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Called after a marker is written, so that waiting fetches wake. */
  onMarkerWritten?: (topic: string, partition: number) => void;
  offsets?: TransactionalOffsetSink;
}

function describe(txn: TxnRecord): TransactionDescription {
  return {
    transactionalId: txn.transactionalId, producerId: txn.producerId, producerEpoch: txn.producerEpoch, state: txn.state,
    timeoutMs: txn.timeoutMs, startTimeMs: txn.startTimeMs, partitions: txn.partitions.map((p) => ({ ...p })),
  };
}

/**
 * The transaction coordinator of a single broker, as Kafka's
 * TransactionCoordinator: producer id blocks that never repeat across restarts,
 * epochs per transactional id, the Empty → Ongoing → Prepare* → Complete*
 * state machine, markers written to every partition of a transaction, and
 * timed-out transactions aborted with a bumped epoch. Every change is in the
 * journal before it is answered; a Prepare* state found at open is completed.
 */
export class LocalTransactionCoordinator implements TransactionCoordinator {
  private readonly transactions: Map<string, TxnRecord>;
  private readonly producerIds: ProducerIdBlocks;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private offsets: TransactionalOffsetSink | undefined;
  private readonly completion: CompletionContext;
  readonly maxTimeoutMs: number;

  private constructor(private readonly journal: TransactionJournal, contents: JournalContents, private readonly options: TransactionCoordinatorOptions) {
    this.transactions = contents.transactions;
    this.producerIds = new ProducerIdBlocks(contents.nextProducerIdBlock, (end) => journal.recordProducerIdBlock(end));
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.maxTimeoutMs = options.maxTimeoutMs ?? DEFAULT_TRANSACTION_MAX_TIMEOUT_MS;
    this.offsets = options.offsets;
    this.completion = {
      partitions: options.partitions,
      onMarkerWritten: (topic, partition) => options.onMarkerWritten?.(topic, partition),
      offsets: () => this.offsets,
      isClosed: () => this.closed,
      save: (txn) => this.save(txn),
      log: (line) => this.log(line),
    };
    if (contents.skippedLines > 0) this.log(`transaction state: ${contents.skippedLines} unreadable journal line(s) skipped (a write torn by a crash)`);
  }

  static open(options: TransactionCoordinatorOptions): LocalTransactionCoordinator {
    const { journal, contents } = TransactionJournal.open(options.dataDir);
    const coordinator = new LocalTransactionCoordinator(journal, contents, options);
    for (const txn of coordinator.transactions.values()) {
      if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
        Promise.resolve(coordinator.completeTransaction(txn, txn.state === 'PrepareCommit')).catch((error: Error) => coordinator.log(`completing transaction ${txn.transactionalId} failed: ${error.message}`));
      }
    }
    coordinator.abortTimedOutTransactions();
    return coordinator;
  }

  /** Where TxnOffsetCommit's offsets go at commit (the group coordinator, once it is wired). */
  setOffsetSink(offsets: TransactionalOffsetSink): void {
    this.offsets = offsets;
  }

  startTimers(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.abortTimedOutTransactions();
      } catch (error) {
        this.log(`aborting timed-out transactions failed: ${(error as Error).message}`);
      }
    }, this.options.abortCheckIntervalMs ?? DEFAULT_ABORT_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.journal.close();
  }

  private allocateProducerId(): number {
    return this.producerIds.next();
  }

  private save(txn: TxnRecord): void {
    txn.lastUpdateMs = this.now();
    this.journal.recordTransaction(txn);
    this.transactions.set(txn.transactionalId, txn);
    this.journal.compactIfLarge(() => ({ nextProducerIdBlock: this.producerIds.blockEnd, transactions: this.transactions, skippedLines: 0 }));
  }

  initProducerId(transactionalId: string | null, transactionTimeoutMs: number, expected?: ProducerIdAndEpoch): ProducerIdAndEpoch {
    if (transactionalId === null) return { producerId: this.allocateProducerId(), producerEpoch: 0 };
    if (transactionalId === '') throw new KafkaError('INVALID_REQUEST', 'the transactional id is empty');
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.maxTimeoutMs) {
      throw new KafkaError('INVALID_TRANSACTION_TIMEOUT', `transaction.timeout.ms ${transactionTimeoutMs} is not in (0, transaction.max.timeout.ms ${this.maxTimeoutMs}]`);
    }
    let txn = this.transactions.get(transactionalId);
    if (!txn) {
      txn = {
        transactionalId, producerId: this.allocateProducerId(), lastProducerId: -1, producerEpoch: -1, lastProducerEpoch: -1,
        timeoutMs: transactionTimeoutMs, state: 'Empty', partitions: [], groups: [], startTimeMs: -1, lastUpdateMs: this.now(),
      };
    } else if (expected && expected.producerId >= 0) {
      if (checkExpectedProducer(transactionalId, txn, expected) === 'retry') return { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
    }
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
      throw new KafkaError('CONCURRENT_TRANSACTIONS', `transactional id ${transactionalId} is completing a transaction`);
    }
    if (txn.state === 'Ongoing') this.abortWithBumpedEpoch(txn, 'a new producer instance initialised the transactional id', false);
    bumpEpoch(txn, expected && expected.producerId >= 0, () => this.allocateProducerId());
    Object.assign(txn, { timeoutMs: transactionTimeoutMs, state: 'Empty', partitions: [], groups: [], startTimeMs: -1 });
    this.save(txn);
    return { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  /** The checks every transactional request from a producer passes (Kafka's order). */
  private current(transactionalId: string, producer: ProducerIdAndEpoch): TxnRecord {
    const txn = this.transactions.get(transactionalId);
    if (!txn || txn.producerId !== producer.producerId) {
      throw new KafkaError('INVALID_PRODUCER_ID_MAPPING', `producer id ${producer.producerId} is not assigned to transactional id ${transactionalId}`);
    }
    if (txn.producerEpoch !== producer.producerEpoch) fenced(transactionalId, producer, txn);
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort' || txn.state === 'PrepareEpochFence') {
      throw new KafkaError('CONCURRENT_TRANSACTIONS', `transactional id ${transactionalId} is completing a transaction`);
    }
    return txn;
  }

  private open(txn: TxnRecord): void {
    if (txn.state !== 'Ongoing') {
      txn.state = 'Ongoing';
      txn.partitions = [];
      txn.groups = [];
      txn.startTimeMs = this.now();
    }
  }

  addPartitions(transactionalId: string, producer: ProducerIdAndEpoch, partitions: TopicPartitionRef[]): void {
    const txn = this.current(transactionalId, producer);
    const wasOngoing = txn.state === 'Ongoing';
    this.open(txn);
    const known = new Set(txn.partitions.map((p) => `${p.partition}:${p.topic}`));
    const added = partitions.filter((p) => !known.has(`${p.partition}:${p.topic}`));
    if (wasOngoing && added.length === 0) return;
    txn.partitions.push(...added.map((p) => ({ topic: p.topic, partition: p.partition })));
    this.save(txn);
  }

  hasPartitions(transactionalId: string, producer: ProducerIdAndEpoch, partitions: TopicPartitionRef[]): boolean {
    const txn = this.current(transactionalId, producer);
    if (txn.state !== 'Ongoing') return false;
    return partitions.every((p) => txn.partitions.some((q) => q.topic === p.topic && q.partition === p.partition));
  }

  addOffsets(transactionalId: string, producer: ProducerIdAndEpoch, groupId: string): void {
    const txn = this.current(transactionalId, producer);
    const wasOngoing = txn.state === 'Ongoing';
    this.open(txn);
    if (wasOngoing && txn.groups.some((g) => g.groupId === groupId)) return;
    if (!txn.groups.some((g) => g.groupId === groupId)) txn.groups.push({ groupId, offsets: [] });
    this.save(txn);
  }

  txnOffsetCommit(transactionalId: string, producer: ProducerIdAndEpoch, groupId: string, offsets: TxnOffset[]): void {
    const txn = this.current(transactionalId, producer);
    if (txn.state !== 'Ongoing') throw new KafkaError('INVALID_TXN_STATE', `transactional id ${transactionalId} has no open transaction (state ${txn.state})`);
    let group = txn.groups.find((g) => g.groupId === groupId);
    if (!group) {
      group = { groupId, offsets: [] };
      txn.groups.push(group);
    }
    for (const offset of offsets) {
      const kept = group.offsets.filter((o) => o.topic !== offset.topic || o.partition !== offset.partition);
      group.offsets = [...kept, { ...offset }];
    }
    this.save(txn);
  }

  async endTransaction(transactionalId: string, producer: ProducerIdAndEpoch, commit: boolean): Promise<void> {
    const txn = this.current(transactionalId, producer);
    const ended = commit ? 'CompleteCommit' : 'CompleteAbort';
    if (txn.state === ended) return; // a retry of an EndTxn that completed
    if (txn.state !== 'Ongoing') {
      throw new KafkaError('INVALID_TXN_STATE', `cannot ${commit ? 'commit' : 'abort'} transactional id ${transactionalId} in state ${txn.state}`);
    }
    await this.completeTransaction(txn, commit);
  }

  /** Prepare (durably), markers to every partition, offsets to their groups at commit, then Complete. */
  private completeTransaction(txn: TxnRecord, commit: boolean): Promise<void> | void {
    return completeTransaction(this.completion, txn, commit);
  }

  /** Kafka's fencing abort: the epoch is bumped first, so the markers fence the producer that left it open. */
  private abortWithBumpedEpoch(txn: TxnRecord, why: string, rememberOldEpoch: boolean): void {
    this.log(`transaction ${txn.transactionalId} (producer ${txn.producerId}, epoch ${txn.producerEpoch}) aborted: ${why}`);
    bumpEpochToFence(txn, rememberOldEpoch);
    this.completeTransaction(txn, false);
  }

  /** Aborts every open transaction older than its timeout; returns how many. */
  abortTimedOutTransactions(): number {
    const now = this.now();
    let aborted = 0;
    for (const txn of this.transactions.values()) {
      if (txn.state === 'Ongoing' && txn.startTimeMs >= 0 && now - txn.startTimeMs > txn.timeoutMs) {
        this.abortWithBumpedEpoch(txn, `timed out after ${now - txn.startTimeMs} ms (transaction.timeout.ms ${txn.timeoutMs})`, true);
        aborted++;
      }
    }
    return aborted;
  }

  /** Whether an open transaction holds a TxnOffsetCommit offset for the partition (OffsetFetch requireStable answers UNSTABLE_OFFSET_COMMIT). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const txn of this.transactions.values()) {
      if (txn.state !== 'Ongoing' && txn.state !== 'PrepareCommit') continue;
      const group = txn.groups.find((g) => g.groupId === groupId);
      if (group?.offsets.some((o) => o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  listTransactions(): TransactionDescription[] {
    return [...this.transactions.values()].map((t) => describe(t)).sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
  }

  describeTransaction(transactionalId: string): TransactionDescription | undefined {
    const txn = this.transactions.get(transactionalId);
    return txn && describe(txn);
  }
}
