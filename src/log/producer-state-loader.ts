import { BASE_OFFSET_POS, BATCH_LENGTH_POS, LOG_OVERHEAD } from '../protocol/record-batch';
import type { ReadResult } from '../ports/partition-store';
import { ProducerBatch, ProducerStateManager, producerBatchAt } from './producer-state';
import { deleteSnapshot, readSnapshot, snapshotOffsets } from './producer-snapshot';

const REPLAY_READ_BYTES = 4 * 1024 * 1024;

export interface ReadableLog {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  read(offset: number, maxBytes: number): ReadResult;
}

export interface LoadedProducerState {
  state: ProducerStateManager;
  /** Batches replayed from the log after the snapshot (0 when the snapshot was at the log end). */
  replayedBatches: number;
}

/** Every batch in the buffer returned by a read, with the offsets stored in it. */
export function producerBatchesIn(records: Buffer): ProducerBatch[] {
  const batches: ProducerBatch[] = [];
  for (let pos = 0; pos + LOG_OVERHEAD <= records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_POS)) {
    batches.push(producerBatchAt(records, pos, Number(records.readBigInt64BE(pos + BASE_OFFSET_POS))));
  }
  return batches;
}

/**
 * Kafka's rebuild of producer state at open: the newest snapshot at or below
 * the log end (snapshots past it, left by a tail that recovery cut off, are
 * deleted; damaged ones too), then the log replayed from there.
 */
export function loadProducerState(dir: string, partitionName: string, log: ReadableLog): LoadedProducerState {
  let state: ProducerStateManager | undefined;
  let from = log.logStartOffset;
  for (const offset of snapshotOffsets(dir).reverse()) {
    if (offset > log.logEndOffset || offset < log.logStartOffset) {
      if (offset > log.logEndOffset) deleteSnapshot(dir, offset);
      continue;
    }
    const snapshot = readSnapshot(dir, offset);
    if (!snapshot) {
      deleteSnapshot(dir, offset);
      continue;
    }
    state = ProducerStateManager.fromSnapshot(partitionName, snapshot);
    from = offset;
    break;
  }
  state ??= new ProducerStateManager(partitionName);
  let replayedBatches = 0;
  for (let offset = from; offset < log.logEndOffset; ) {
    const { records } = log.read(offset, REPLAY_READ_BYTES);
    const start = offset;
    if (records.length === 0) break;
    for (const batch of producerBatchesIn(records)) {
      if (batch.lastOffset < offset) continue;
      state.replay([batch]);
      replayedBatches++;
      offset = batch.lastOffset + 1;
    }
    if (offset === start) break;
  }
  state.truncateHead(log.logStartOffset);
  return { state, replayedBatches };
}
