import { BATCH_LENGTH_POS, LOG_OVERHEAD, isControlBatch, readBatchHeader } from '../protocol/record-batch';
import { DecodedRecord, decodeRecords } from '../protocol/records';
import { AbortedTransaction, AbortedTransactionFilter } from './aborted-transactions';

export type { AbortedTransaction } from './aborted-transactions';

export interface FetchedBatches {
  records: DecodedRecord[];
  /** Where the next fetch should start: after the last whole batch, or `fromOffset` if there was none. */
  nextOffset: number;
  /**
   * Offsets in [fromOffset, endOffset) that the whole batches passed over hold no record to hand over: transaction
   * markers (control batches), and with `abortedTransactions` the aborted transactions' records.
   */
  skippedOffsets: number;
  /** With `stopAtUndecodable`: the first batch that could not be decoded; `records` are those before it. */
  undecodable?: { baseOffset: number; error: Error };
}

export interface RecordsFromOptions {
  stopAtUndecodable?: boolean;
  /**
   * read_committed: the fetch answer's aborted transactions (null or [] when it lists none), whose records are
   * dropped. Left out (read_uncommitted), only control batches are.
   */
  abortedTransactions?: readonly AbortedTransaction[] | null;
  /** Where the caller's range ends, for `skippedOffsets`; no end by default. */
  endOffset?: number;
}

/**
 * Decodes the whole batches of a fetch response, dropping records before
 * `fromOffset` (a fetch starts with the batch that holds it) and a partial
 * trailing batch, which a broker may send when it cuts at the byte limit.
 */
export function recordsFrom(data: Buffer, fromOffset: number, options: RecordsFromOptions = {}): FetchedBatches {
  const records: DecodedRecord[] = [];
  const aborted = options.abortedTransactions === undefined ? undefined : new AbortedTransactionFilter(options.abortedTransactions ?? []);
  const endOffset = options.endOffset ?? Infinity;
  let nextOffset = fromOffset;
  let skippedOffsets = 0;
  for (let pos = 0; pos + LOG_OVERHEAD <= data.length; ) {
    const size = LOG_OVERHEAD + data.readInt32BE(pos + BATCH_LENGTH_POS);
    if (pos + size > data.length) break;
    const header = readBatchHeader(data, pos);
    const batchEnd = header.baseOffset + header.lastOffsetDelta + 1;
    let decoded: DecodedRecord[] | undefined;
    try {
      // A transaction marker holds no data, and an aborted transaction's data is not to be read: both are
      // skipped, as Kafka's consumers skip them, and counted so a range's offsets still add up.
      if (aborted?.isAborted(data, pos, header) || isControlBatch(header.attributes)) {
        skippedOffsets += Math.max(0, Math.min(batchEnd, endOffset) - Math.max(header.baseOffset, fromOffset));
      } else {
        decoded = decodeRecords(data, pos);
      }
    } catch (error) {
      if (!options.stopAtUndecodable) throw error;
      return { records, nextOffset, skippedOffsets, undecodable: { baseOffset: header.baseOffset, error: error as Error } };
    }
    for (const record of decoded ?? []) if (record.offset >= fromOffset) records.push(record);
    nextOffset = Math.max(nextOffset, batchEnd);
    pos += size;
  }
  return { records, nextOffset, skippedOffsets };
}
