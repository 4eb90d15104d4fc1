import { KafkaError } from '../protocol/error-codes';
import type { PartitionStore } from '../ports/partition-store';
import type {
  ProducerIdAndEpoch, TopicPartitionRef, TransactionCoordinator, TransactionDescription, TransactionalOffsetSink, TxnOffset,
} from '../ports/transaction-coordinator';
import { JournalContents, TransactionJournal, TxnRecord } from './transaction-journal';
import { ProducerIdBlocks } from './producer-id-blocks';

export { PRODUCER_ID_BLOCK_SIZE } from './producer-id-blocks';

/** Kafka's transaction.max.timeout.ms default (15 minutes). */
export const DEFAULT_TRANSACTION_MAX_TIMEOUT_MS = 900_000;
/** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms default. */
export const DEFAULT_ABORT_CHECK_INTERVAL_MS = 10_000;
/** An epoch this high is exhausted: the next bump takes a new producer id (Kafka: Short.MaxValue - 1). */
const MAX_EPOCH = 32766;

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

function fenced(transactionalId: string, producer: ProducerIdAndEpoch, txn: TxnRecord): never {
  throw new KafkaError('PRODUCER_FENCED', `transactional id ${transactionalId}: epoch ${producer.producerEpoch} of producer ${producer.producerId} is not the current epoch ${txn.producerEpoch}`);
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
  readonly maxTimeoutMs: number;

  private constructor(private readonly journal: TransactionJournal, contents: JournalContents, private readonly options: TransactionCoordinatorOptions) {
    this.transactions = contents.transactions;
    this.producerIds = new ProducerIdBlocks(contents.nextProducerIdBlock, (end) => journal.recordProducerIdBlock(end));
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.maxTimeoutMs = options.maxTimeoutMs ?? DEFAULT_TRANSACTION_MAX_TIMEOUT_MS;
    this.offsets = options.offsets;
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
      // Kafka's rules (KIP-360, KIP-588): the caller's id must be the current one (or the one before an epoch overflow),
      // and its epoch the current one; the epoch before a bump is a retry of that bump, answered without bumping again.
      const knownId = expected.producerId === txn.producerId || (expected.producerId === txn.lastProducerId && expected.producerEpoch >= MAX_EPOCH);
      if (!knownId) fenced(transactionalId, expected, txn);
      const isCurrent = expected.producerEpoch === -1 || (expected.producerId === txn.producerId && expected.producerEpoch === txn.producerEpoch);
      if (!isCurrent) {
        if (expected.producerEpoch === txn.lastProducerEpoch && txn.state !== 'Ongoing') return { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
        fenced(transactionalId, expected, txn);
      }
    }
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
      throw new KafkaError('CONCURRENT_TRANSACTIONS', `transactional id ${transactionalId} is completing a transaction`);
    }
    if (txn.state === 'Ongoing') this.abortWithBumpedEpoch(txn, 'a new producer instance initialised the transactional id', false);
    this.bumpEpoch(txn, expected && expected.producerId >= 0);
    Object.assign(txn, { timeoutMs: transactionTimeoutMs, state: 'Empty', partitions: [], groups: [], startTimeMs: -1 });
    this.save(txn);
    return { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  private bumpEpoch(txn: TxnRecord, remember: boolean | undefined): void {
    if (txn.producerEpoch >= MAX_EPOCH) {
      txn.lastProducerId = txn.producerId;
      txn.lastProducerEpoch = txn.producerEpoch;
      txn.producerId = this.allocateProducerId();
      txn.producerEpoch = 0;
      return;
    }
    txn.lastProducerEpoch = remember ? txn.producerEpoch : -1;
    txn.producerEpoch += 1;
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
    txn.state = commit ? 'PrepareCommit' : 'PrepareAbort';
    this.save(txn);
    for (const { topic, partition } of txn.partitions) {
      try {
        this.options.partitions.partition(topic, partition).writeTxnMarker({ producerId: txn.producerId, producerEpoch: txn.producerEpoch, commit, coordinatorEpoch: 0 });
        this.options.onMarkerWritten?.(topic, partition);
      } catch (error) {
        // A deleted topic has no data left to mark; anything else is reported and the transaction still completes.
        this.log(`transaction ${txn.transactionalId}: ${commit ? 'commit' : 'abort'} marker for ${topic}-${partition} not written: ${(error as Error).message}`);
      }
    }
    const complete = () => {
      // Closed while the group offsets were being stored: PrepareCommit stays in the journal and the next start completes it.
      if (this.closed) return;
      txn.state = commit ? 'CompleteCommit' : 'CompleteAbort';
      txn.partitions = [];
      txn.groups = [];
      txn.startTimeMs = -1;
      this.save(txn);
    };
    const offsetWrites = commit ? txn.groups.filter((g) => g.offsets.length > 0).map((g) => this.commitGroupOffsets(txn, g.groupId, g.offsets)) : [];
    if (offsetWrites.length === 0) return complete();
    // Complete only once the group store has the offsets on disk; meanwhile the id answers CONCURRENT_TRANSACTIONS, and a
    // crash leaves PrepareCommit, which the next start completes again.
    return Promise.all(offsetWrites).then(complete);
  }

  /** Resolves once the offsets are durable; a failure is reported, not thrown (the markers are already written). */
  private async commitGroupOffsets(txn: TxnRecord, groupId: string, offsets: TxnOffset[]): Promise<void> {
    if (!this.offsets) {
      this.log(`transaction ${txn.transactionalId}: no group store wired, offsets of group ${groupId} not committed`);
      return;
    }
    try {
      await this.offsets.commitOffsets(groupId, offsets);
    } catch (error) {
      this.log(`transaction ${txn.transactionalId}: offsets of group ${groupId} not committed: ${(error as Error).message}`);
    }
  }

  /** Kafka's fencing abort: the epoch is bumped first, so the markers fence the producer that left it open. */
  private abortWithBumpedEpoch(txn: TxnRecord, why: string, rememberOldEpoch: boolean): void {
    this.log(`transaction ${txn.transactionalId} (producer ${txn.producerId}, epoch ${txn.producerEpoch}) aborted: ${why}`);
    if (txn.producerEpoch < MAX_EPOCH) {
      // After a timeout the old epoch is remembered, so that producer may recover with InitProducerId (KIP-588).
      txn.lastProducerEpoch = rememberOldEpoch ? txn.producerEpoch : -1;
      txn.producerEpoch += 1;
    }
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
