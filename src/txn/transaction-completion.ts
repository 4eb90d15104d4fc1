import type { PartitionStore } from '../ports/partition-store';
import type { TransactionalOffsetSink, TxnOffset } from '../ports/transaction-coordinator';
import type { TxnRecord } from './transaction-journal';

/** What completing a transaction needs from its coordinator. */
export interface CompletionContext {
  partitions: PartitionStore;
  /** Called after a marker is written, so that waiting fetches wake. */
  onMarkerWritten?: (topic: string, partition: number) => void;
  /** Where the group offsets go at commit; read at each completion (the sink may be wired later). */
  offsets(): TransactionalOffsetSink | undefined;
  isClosed(): boolean;
  /** Records the transaction durably in the journal. */
  save(txn: TxnRecord): void;
  log(line: string): void;
}

/** Prepare (durably), markers to every partition, offsets to their groups at commit, then Complete. */
export function completeTransaction(context: CompletionContext, txn: TxnRecord, commit: boolean): Promise<void> | void {
  txn.state = commit ? 'PrepareCommit' : 'PrepareAbort';
  context.save(txn);
  for (const { topic, partition } of txn.partitions) {
    try {
      context.partitions.partition(topic, partition).writeTxnMarker({ producerId: txn.producerId, producerEpoch: txn.producerEpoch, commit, coordinatorEpoch: 0 });
      context.onMarkerWritten?.(topic, partition);
    } catch (error) {
      // A deleted topic has no data left to mark; anything else is reported and the transaction still completes.
      context.log(`transaction ${txn.transactionalId}: ${commit ? 'commit' : 'abort'} marker for ${topic}-${partition} not written: ${(error as Error).message}`);
    }
  }
  const complete = () => {
    // Closed while the group offsets were being stored: PrepareCommit stays in the journal and the next start completes it.
    if (context.isClosed()) return;
    txn.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    txn.partitions = [];
    txn.groups = [];
    txn.startTimeMs = -1;
    context.save(txn);
  };
  const offsetWrites = commit ? txn.groups.filter((g) => g.offsets.length > 0).map((g) => commitGroupOffsets(context, txn, g.groupId, g.offsets)) : [];
  if (offsetWrites.length === 0) return complete();
  // Complete only once the group store has the offsets on disk; meanwhile the id answers CONCURRENT_TRANSACTIONS, and a
  // crash leaves PrepareCommit, which the next start completes again.
  return Promise.all(offsetWrites).then(complete);
}

/** Resolves once the offsets are durable; a failure is reported, not thrown (the markers are already written). */
async function commitGroupOffsets(context: CompletionContext, txn: TxnRecord, groupId: string, offsets: TxnOffset[]): Promise<void> {
  const sink = context.offsets();
  if (!sink) {
    context.log(`transaction ${txn.transactionalId}: no group store wired, offsets of group ${groupId} not committed`);
    return;
  }
  try {
    await sink.commitOffsets(groupId, offsets);
  } catch (error) {
    context.log(`transaction ${txn.transactionalId}: offsets of group ${groupId} not committed: ${(error as Error).message}`);
  }
}
