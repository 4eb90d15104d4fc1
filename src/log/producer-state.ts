import { KafkaError } from '../protocol/error-codes';
import type { AbortedTransaction, ActiveProducer } from '../ports/partition-store';
import type { ProducerBatch } from './producer-batch';

export { producerBatchAt, incrementSequence } from './producer-batch';
export type { ProducerBatch } from './producer-batch';

/** Kafka keeps the metadata of this many recent batches per producer to answer retried duplicates. */
export const PRODUCER_BATCHES_KEPT = 5;
/** Kafka's producer.id.expiration.ms default: a producer silent this long (and without an open transaction) is forgotten. */
export const PRODUCER_ID_EXPIRATION_MS = 86_400_000;
const NO_TXN = -1;
const INT32_MAX = 0x7fffffff;

export interface BatchSequence {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  producerId: number;
  producerEpoch: number;
  /** Oldest first, at most PRODUCER_BATCHES_KEPT, all of the current epoch. */
  batches: BatchSequence[];
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction in this partition, or -1. */
  currentTxnFirstOffset: number;
  lastTimestamp: number;
}

/** Who is appending: a client (every check), the transaction coordinator (markers), or recovery replaying the log (no checks). */
export type AppendOrigin = 'client' | 'coordinator' | 'recovery';

interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  aborted: boolean;
}

/** What an append would change, checked but not yet applied. */
export interface PreparedAppend {
  kind: 'prepared';
  updates: Map<number, ProducerEntry>;
  completed: CompletedTxn[];
}

/** The append repeats a batch already in the log: answer with the original offsets, write nothing. */
export interface DuplicateAppend {
  kind: 'duplicate';
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerStateSnapshot {
  producers: ProducerEntry[];
  aborted: AbortedTransaction[];
}

function emptyEntry(producerId: number): ProducerEntry {
  return { producerId, producerEpoch: -1, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: NO_TXN, lastTimestamp: -1 };
}

function copyEntry(entry: ProducerEntry): ProducerEntry {
  return { ...entry, batches: [...entry.batches] };
}

function fail(code: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH' | 'INVALID_TXN_STATE' | 'INVALID_RECORD' | 'TRANSACTION_COORDINATOR_FENCED', message: string): never {
  throw new KafkaError(code, message);
}

/**
 * The idempotence and transaction state of one partition, as Kafka's
 * ProducerStateManager keeps it: per producer id its epoch, its last five
 * batches' sequences and offsets and its open transaction; the partition's
 * open transactions (for the last stable offset) and aborted ones (for
 * read_committed fetches). `prepare` checks an append without changing
 * anything; `commit` applies it once the log has written it.
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /** Open transactions: producer id → first offset, in the order they began. */
  private readonly ongoing = new Map<number, number>();
  private aborted: AbortedTransaction[] = [];

  constructor(private readonly partitionName: string) {}

  prepare(batches: readonly ProducerBatch[], origin: AppendOrigin): PreparedAppend | DuplicateAppend {
    const updates = new Map<number, ProducerEntry>();
    const completed: CompletedTxn[] = [];
    for (const batch of batches) {
      if (batch.control && origin === 'client') fail('INVALID_RECORD', `${this.partitionName}: clients may not write control batches`);
      if (batch.producerId < 0) continue;
      const current = this.producers.get(batch.producerId);
      if (origin === 'client' && !batch.control) {
        const duplicate = current && this.findDuplicate(current, batch);
        if (duplicate) return { kind: 'duplicate', firstOffset: duplicate.firstOffset, lastOffset: duplicate.lastOffset };
      }
      let entry = updates.get(batch.producerId);
      if (!entry) {
        entry = current ? copyEntry(current) : emptyEntry(batch.producerId);
        updates.set(batch.producerId, entry);
      }
      if (batch.control) this.applyMarker(entry, batch, origin, completed);
      else this.applyData(entry, current, batch, origin);
    }
    return { kind: 'prepared', updates, completed };
  }

  commit(prepared: PreparedAppend): void {
    for (const entry of prepared.updates.values()) {
      this.producers.set(entry.producerId, entry);
      if (entry.currentTxnFirstOffset !== NO_TXN && !this.ongoing.has(entry.producerId)) this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
    }
    for (const txn of prepared.completed) {
      this.ongoing.delete(txn.producerId);
      if (txn.aborted) {
        this.aborted.push({ producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: txn.lastOffset });
      }
    }
  }

  /** Recovery: applies batches read back from the log, without checks. */
  replay(batches: readonly ProducerBatch[]): void {
    const prepared = this.prepare(batches, 'recovery');
    if (prepared.kind === 'prepared') this.commit(prepared);
  }

  private findDuplicate(entry: ProducerEntry, batch: ProducerBatch): BatchSequence | undefined {
    if (entry.producerEpoch !== batch.producerEpoch) return undefined;
    return entry.batches.find((b) => b.firstSeq === batch.firstSeq && b.lastSeq === batch.lastSeq);
  }

  private checkEpoch(entry: ProducerEntry, batch: ProducerBatch): void {
    if (batch.producerEpoch < entry.producerEpoch) {
      fail(
        'INVALID_PRODUCER_EPOCH',
        `Epoch of producer ${batch.producerId} at offset ${batch.firstOffset} in ${this.partitionName} is ${batch.producerEpoch}, which is smaller than the last seen epoch ${entry.producerEpoch}`,
      );
    }
  }

  /** Kafka's ProducerAppendInfo.checkSequence, with KIP-360: an unknown producer may start at any sequence. */
  private checkSequence(entry: ProducerEntry, stored: ProducerEntry | undefined, batch: ProducerBatch): void {
    if (batch.producerEpoch !== entry.producerEpoch) {
      if (batch.firstSeq !== 0 && entry.producerEpoch !== -1) {
        fail(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Invalid sequence number for new epoch of producer ${batch.producerId} at offset ${batch.firstOffset} in ${this.partitionName}: ${batch.producerEpoch} (request epoch), ${batch.firstSeq} (seq. number), ${entry.producerEpoch} (current producer epoch)`,
        );
      }
      return;
    }
    const lastSeq = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : -1;
    const knownEpoch = stored?.producerEpoch ?? -1;
    const inSequence = batch.firstSeq === lastSeq + 1 || (batch.firstSeq === 0 && lastSeq === INT32_MAX);
    if (knownEpoch !== -1 && !inSequence) {
      fail(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Out of order sequence number for producer ${batch.producerId} at offset ${batch.firstOffset} in ${this.partitionName}: ${batch.firstSeq} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      );
    }
  }

  private applyData(entry: ProducerEntry, stored: ProducerEntry | undefined, batch: ProducerBatch, origin: AppendOrigin): void {
    if (origin !== 'recovery') {
      this.checkEpoch(entry, batch);
      if (origin === 'client') this.checkSequence(entry, stored, batch);
    }
    if (entry.currentTxnFirstOffset !== NO_TXN && !batch.transactional) {
      if (origin !== 'recovery') fail('INVALID_TXN_STATE', `Expected transactional write from producer ${batch.producerId} at offset ${batch.firstOffset} in partition ${this.partitionName}`);
    }
    this.updateEpoch(entry, batch.producerEpoch);
    entry.batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset });
    if (entry.batches.length > PRODUCER_BATCHES_KEPT) entry.batches.shift();
    entry.lastTimestamp = batch.maxTimestamp;
    if (batch.transactional && entry.currentTxnFirstOffset === NO_TXN) entry.currentTxnFirstOffset = batch.firstOffset;
  }

  private applyMarker(entry: ProducerEntry, batch: ProducerBatch, origin: AppendOrigin, completed: CompletedTxn[]): void {
    const marker = batch.control?.marker;
    if (!marker) return;
    if (origin !== 'recovery') {
      this.checkEpoch(entry, batch);
      if (marker.coordinatorEpoch < entry.coordinatorEpoch) {
        fail('TRANSACTION_COORDINATOR_FENCED', `${this.partitionName}: marker for producer ${batch.producerId} has coordinator epoch ${marker.coordinatorEpoch}, older than ${entry.coordinatorEpoch}`);
      }
    }
    if (entry.currentTxnFirstOffset !== NO_TXN) {
      completed.push({ producerId: batch.producerId, firstOffset: entry.currentTxnFirstOffset, lastOffset: batch.firstOffset, aborted: !marker.commit });
    }
    this.updateEpoch(entry, batch.producerEpoch);
    entry.currentTxnFirstOffset = NO_TXN;
    entry.coordinatorEpoch = marker.coordinatorEpoch;
    entry.lastTimestamp = batch.maxTimestamp;
  }

  /** A new epoch forgets the old epoch's batches (Kafka's maybeUpdateProducerEpoch). */
  private updateEpoch(entry: ProducerEntry, epoch: number): void {
    if (entry.producerEpoch === epoch) return;
    entry.producerEpoch = epoch;
    entry.batches = [];
  }

  hasOpenTransaction(producerId: number): boolean {
    return this.ongoing.has(producerId);
  }

  /** The first offset of the oldest open transaction, or undefined when none is open. */
  get firstUnstableOffset(): number | undefined {
    let first: number | undefined;
    for (const offset of this.ongoing.values()) if (first === undefined || offset < first) first = offset;
    return first;
  }

  /** Aborted transactions whose data overlaps [fromOffset, upperBoundOffset), as Kafka's collectAbortedTransactions. */
  abortedTransactions(fromOffset: number, upperBoundOffset: number): AbortedTransaction[] {
    let lo = 0;
    let hi = this.aborted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.aborted[mid].lastOffset < fromOffset) lo = mid + 1;
      else hi = mid;
    }
    const found: AbortedTransaction[] = [];
    for (let i = lo; i < this.aborted.length; i++) if (this.aborted[i].firstOffset < upperBoundOffset) found.push({ ...this.aborted[i] });
    return found;
  }

  /** Forgets aborted transactions that ended before the log start (their data is gone). */
  truncateHead(logStartOffset: number): void {
    if (this.aborted.length > 0 && this.aborted[0].lastOffset < logStartOffset) this.aborted = this.aborted.filter((t) => t.lastOffset >= logStartOffset);
  }

  /** Forgets producers without an open transaction whose last batch is older than `expirationMs`; returns how many. */
  removeExpiredProducers(now: number, expirationMs = PRODUCER_ID_EXPIRATION_MS): number {
    let removed = 0;
    for (const [producerId, entry] of this.producers) {
      if (entry.currentTxnFirstOffset === NO_TXN && now - entry.lastTimestamp > expirationMs) {
        this.producers.delete(producerId);
        removed++;
      }
    }
    return removed;
  }

  activeProducers(): ActiveProducer[] {
    return [...this.producers.values()].map((e) => ({
      producerId: e.producerId,
      producerEpoch: e.producerEpoch,
      lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1].lastSeq : -1,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: e.currentTxnFirstOffset,
    }));
  }

  toSnapshot(): ProducerStateSnapshot {
    return { producers: [...this.producers.values()].map(copyEntry), aborted: this.aborted.map((t) => ({ ...t })) };
  }

  static fromSnapshot(partitionName: string, snapshot: ProducerStateSnapshot): ProducerStateManager {
    const state = new ProducerStateManager(partitionName);
    const entries = [...snapshot.producers].sort((a, b) => a.currentTxnFirstOffset - b.currentTxnFirstOffset);
    for (const entry of entries) {
      state.producers.set(entry.producerId, copyEntry(entry));
      if (entry.currentTxnFirstOffset !== NO_TXN) state.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
    }
    state.aborted = snapshot.aborted.map((t) => ({ ...t }));
    return state;
  }
}
