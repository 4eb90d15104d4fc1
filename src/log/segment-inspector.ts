import * as fs from 'node:fs';
import * as path from 'node:path';
import { BATCH_HEADER_SIZE, COMPRESSION_NAMES, LOG_OVERHEAD, compressionOf, readBatchHeader, BatchHeader } from '../protocol/record-batch';
import { checkBatch, isFault } from './batch-check';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, parseSegmentFileName } from './file-names';
import { LogStorageError } from './errors';

export interface InspectedBatch extends BatchHeader {
  position: number;
  size: number;
  lastOffset: number;
  compression: string;
  /** "ok", or what is wrong with the batch. */
  status: string;
}

export interface InspectedSegment {
  file: string;
  baseOffset: number;
  sizeBytes: number;
  indexEntries: number;
  timeIndexEntries: number;
  batches: InspectedBatch[];
  /** Bytes after the last whole batch (a torn tail), 0 normally. */
  trailingBytes: number;
}

/** Reads a partition directory without changing anything, batch by batch, checking every CRC. */
export function inspectPartitionDir(dir: string): InspectedSegment[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new LogStorageError(dir, 'is not a directory');
  const bases = fs
    .readdirSync(dir)
    .map((file) => parseSegmentFileName(file))
    .filter((parsed) => parsed?.suffix === LOG_SUFFIX)
    .map((parsed) => parsed!.baseOffset)
    .sort((a, b) => a - b);
  return bases.map((base) => inspectSegment(dir, base));
}

function entriesIn(file: string, entrySize: number): number {
  return fs.existsSync(file) ? Math.floor(fs.statSync(file).size / entrySize) : 0;
}

function inspectSegment(dir: string, baseOffset: number): InspectedSegment {
  const stem = String(baseOffset).padStart(20, '0');
  const file = path.join(dir, stem + LOG_SUFFIX);
  const data = fs.readFileSync(file);
  const batches: InspectedBatch[] = [];
  let position = 0;
  while (data.length - position >= BATCH_HEADER_SIZE) {
    const size = LOG_OVERHEAD + data.readInt32BE(position + 8);
    if (size < BATCH_HEADER_SIZE || position + size > data.length) break;
    const header = readBatchHeader(data, position);
    const check = checkBatch(data, position, position + size, Number.MAX_SAFE_INTEGER, true);
    batches.push({
      ...header,
      position,
      size,
      lastOffset: header.baseOffset + header.lastOffsetDelta,
      compression: COMPRESSION_NAMES[compressionOf(header.attributes)] ?? 'unknown',
      status: isFault(check) ? check.detail : 'ok',
    });
    position += size;
  }
  return {
    file,
    baseOffset,
    sizeBytes: data.length,
    indexEntries: entriesIn(path.join(dir, stem + INDEX_SUFFIX), 8),
    timeIndexEntries: entriesIn(path.join(dir, stem + TIME_INDEX_SUFFIX), 12),
    batches,
    trailingBytes: data.length - position,
  };
}
