import type { PartitionLog } from '../../src/log/partition-log';
import { decodeRecords } from '../../src/protocol/records';
import { batchSizeAt, readBatchHeader } from '../../src/protocol/record-batch';

interface Seen {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record of the log in offset order, with the batches' base offsets. */
export function readAll(log: PartitionLog): { records: Seen[]; batches: number[] } {
  const records: Seen[] = [];
  const batches: number[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const data = log.read(offset, 1 << 20).records;
    if (data.length === 0) break;
    for (let pos = 0; pos < data.length; pos += batchSizeAt(data, pos)) {
      const header = readBatchHeader(data, pos);
      batches.push(header.baseOffset);
      for (const r of decodeRecords(data, pos)) records.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      offset = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  return { records, batches };
}

