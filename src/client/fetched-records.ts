import { BATCH_LENGTH_POS, LOG_OVERHEAD, isControlBatch, readBatchHeader } from '../protocol/record-batch';
import { DecodedRecord, decodeRecords } from '../protocol/records';

export interface FetchedBatches {
  records: DecodedRecord[];
  /** Where the next fetch should start: after the last whole batch, or `fromOffset` if there was none. */
  nextOffset: number;
  /** With `stopAtUndecodable`: the first batch that could not be decoded; `records` are those before it. */
  undecodable?: { baseOffset: number; error: Error };
}

/**
 * Decodes the whole batches of a fetch response, dropping records before
 * `fromOffset` (a fetch starts with the batch that holds it) and a partial
 * trailing batch, which a broker may send when it cuts at the byte limit.
 */
export function recordsFrom(data: Buffer, fromOffset: number, options: { stopAtUndecodable?: boolean } = {}): FetchedBatches {
  const records: DecodedRecord[] = [];
  let nextOffset = fromOffset;
  for (let pos = 0; pos + LOG_OVERHEAD <= data.length; ) {
    const size = LOG_OVERHEAD + data.readInt32BE(pos + BATCH_LENGTH_POS);
    if (pos + size > data.length) break;
    const header = readBatchHeader(data, pos);
    if (isControlBatch(header.attributes)) {
      // A transaction marker holds no data: skipped, as Kafka's consumers skip it.
      nextOffset = Math.max(nextOffset, header.baseOffset + header.lastOffsetDelta + 1);
      pos += size;
      continue;
    }
    let decoded: DecodedRecord[];
    try {
      decoded = decodeRecords(data, pos);
    } catch (error) {
      if (!options.stopAtUndecodable) throw error;
      return { records, nextOffset, undecodable: { baseOffset: header.baseOffset, error: error as Error } };
    }
    for (const record of decoded) if (record.offset >= fromOffset) records.push(record);
    nextOffset = Math.max(nextOffset, header.baseOffset + header.lastOffsetDelta + 1);
    pos += size;
  }
  return { records, nextOffset };
}
