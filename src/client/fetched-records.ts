import {
  BATCH_HEADER_SIZE, BATCH_LENGTH_POS, BatchHeader, CURRENT_MAGIC, LOG_OVERHEAD, computeBatchCrc, isControlBatch, readBatchHeader,
} from '../protocol/record-batch';
import type { DecodedRecord } from '../protocol/records';
import { appendBatchRecords, RecordColumns } from '../protocol/record-columns';
import { AbortedTransaction, AbortedTransactionFilter } from './aborted-transactions';

export type { AbortedTransaction } from './aborted-transactions';

/** A whole batch of a fetch that could not be decoded, and the offsets it holds as far as its framing tells. */
export interface FetchedUndecodable {
  /** The batch's own base and last offset: the last from its header, kept before the next batch's base. */
  baseOffset: number;
  lastOffset: number;
  baseTimestamp: number;
  bytes: Buffer;
  error: Error;
}

export interface FetchedBatches<Records = DecodedRecord[]> {
  records: Records;
  /** Where the next fetch should start: after the last whole batch, or `fromOffset` if there was none. */
  nextOffset: number;
  /**
   * Offsets in [fromOffset, endOffset) that the whole batches passed over hold no record to hand over: transaction
   * markers (control batches), and with `abortedTransactions` the aborted transactions' records.
   */
  skippedOffsets: number;
  /** With `collectUndecodable`: the batches that could not be decoded, in offset order; reading went on after each. */
  undecodable?: FetchedUndecodable[];
}

export interface RecordsFromOptions {
  /** List the batches that cannot be decoded (CRCs checked too) and go on after them, instead of throwing. */
  collectUndecodable?: boolean;
  /**
   * read_committed: the fetch answer's aborted transactions (null or [] when it lists none), whose records are
   * dropped. Left out (read_uncommitted), only control batches are.
   */
  abortedTransactions?: readonly AbortedTransaction[] | null;
  /** Where the caller's range ends, for `skippedOffsets`; no end by default. */
  endOffset?: number;
}

/** A batch that does not hold together: a bad CRC, a magic other than 2, a length too short for its header. */
export class CorruptBatchError extends Error {
  constructor(readonly baseOffset: number, detail: string) {
    super(detail);
    this.name = 'CorruptBatchError';
  }
}

/** That the whole batch at `pos` holds together; `checkCrc` as Java's consumer does by default (check.crcs). */
function checkBatch(data: Buffer, pos: number, header: BatchHeader, size: number, checkCrc: boolean): void {
  if (header.magic !== CURRENT_MAGIC) throw new CorruptBatchError(header.baseOffset, `message format (magic) ${header.magic}, not ${CURRENT_MAGIC}`);
  if (checkCrc) {
    const crc = computeBatchCrc(data, pos, size);
    if (crc !== header.crc) throw new CorruptBatchError(header.baseOffset, `CRC-32C is ${crc}, the header says ${header.crc}`);
  }
}

/**
 * Decodes the whole batches of a fetch response, dropping records before
 * `fromOffset` (a fetch starts with the batch that holds it) and a partial
 * trailing batch, which a broker may send when it cuts at the byte limit.
 * Without `collectUndecodable` a batch that cannot be decoded throws; with it (the loader), CRCs are checked too and a
 * batch that fails is listed, and decoding goes on after it. (`consume` leaves CRCs unchecked, as librdkafka's
 * check.crcs=false default does.)
 */
export function recordsFrom(data: Buffer, fromOffset: number, options: RecordsFromOptions = {}): FetchedBatches {
  const fetched = decodeFetched(data, fromOffset, options, Infinity);
  return { ...fetched, records: fetched.records.toRecords() };
}

/** As `recordsFrom`, the records as columns (no object per record), and only those before `options.endOffset`. */
export function recordColumnsFrom(data: Buffer, fromOffset: number, options: RecordsFromOptions = {}): FetchedBatches<RecordColumns> {
  return decodeFetched(data, fromOffset, options, options.endOffset ?? Infinity);
}

function decodeFetched(data: Buffer, fromOffset: number, options: RecordsFromOptions, keepBefore: number): FetchedBatches<RecordColumns> {
  const records = new RecordColumns();
  const undecodable: FetchedUndecodable[] = [];
  const aborted = options.abortedTransactions === undefined ? undefined : new AbortedTransactionFilter(options.abortedTransactions ?? []);
  const endOffset = options.endOffset ?? Infinity;
  let nextOffset = fromOffset;
  let skippedOffsets = 0;
  for (let pos = 0; pos + LOG_OVERHEAD <= data.length; ) {
    const size = LOG_OVERHEAD + data.readInt32BE(pos + BATCH_LENGTH_POS);
    if (size >= BATCH_HEADER_SIZE && pos + size > data.length) break;
    const framed = size >= BATCH_HEADER_SIZE && pos + BATCH_HEADER_SIZE <= data.length;
    const header = framed ? readBatchHeader(data, pos) : undefined;
    try {
      if (!header) throw new CorruptBatchError(Number(data.readBigInt64BE(pos)), `batch length ${size - LOG_OVERHEAD} is shorter than a batch header`);
      // Checked first, as Kafka's consumer does: a damaged header cannot say whether the batch is aborted.
      checkBatch(data, pos, header, size, options.collectUndecodable === true);
      // A transaction marker holds no data, and an aborted transaction's data is not to be read: both are
      // skipped, as Kafka's consumers skip them, and counted so a range's offsets still add up.
      if (aborted?.isAborted(data, pos, header) || isControlBatch(header.attributes)) {
        const batchEnd = header.baseOffset + header.lastOffsetDelta + 1;
        skippedOffsets += Math.max(0, Math.min(batchEnd, endOffset) - Math.max(header.baseOffset, fromOffset));
      } else {
        appendBatchRecords(records, data, pos, fromOffset, keepBefore);
      }
    } catch (error) {
      if (!options.collectUndecodable) throw error;
      const bad = undecodableAt(data, pos, size, header, error as Error);
      undecodable.push(bad);
      // The broker served it for `fromOffset` at least, whatever its header claims.
      nextOffset = Math.max(nextOffset, bad.lastOffset + 1, Math.max(bad.baseOffset, fromOffset) + 1);
      // A length too short for a header leaves nothing to find the next batch by.
      if (!header) break;
      pos += size;
      continue;
    }
    nextOffset = Math.max(nextOffset, header.baseOffset + header.lastOffsetDelta + 1);
    pos += size;
  }
  return options.collectUndecodable ? { records, nextOffset, skippedOffsets, undecodable } : { records, nextOffset, skippedOffsets };
}

/**
 * The offsets an undecodable batch holds. A bad CRC may mean a damaged header too, so its last offset is believed
 * only where it makes sense: not before its base, and before the next batch's base when one follows.
 */
function undecodableAt(data: Buffer, pos: number, size: number, header: BatchHeader | undefined, error: Error): FetchedUndecodable {
  const baseOffset = Number(data.readBigInt64BE(pos));
  const following = header && pos + size + LOG_OVERHEAD <= data.length ? Number(data.readBigInt64BE(pos + size)) : undefined;
  let lastOffset = header && header.lastOffsetDelta >= 0 ? baseOffset + header.lastOffsetDelta : baseOffset;
  if (following !== undefined && following > baseOffset && lastOffset >= following) lastOffset = following - 1;
  const end = header ? pos + size : data.length;
  return { baseOffset, lastOffset, baseTimestamp: header?.baseTimestamp ?? -1, bytes: Buffer.from(data.subarray(pos, end)), error };
}
