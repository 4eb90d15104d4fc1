import { IndexFile } from './index-file';
import { MIN_OPEN_FILES, OpenFileCache } from './open-file-cache';

const ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

function readInt64(buffer: Buffer, pos: number): number {
  return buffer.readInt32BE(pos) * 4294967296 + buffer.readUInt32BE(pos + 4);
}

/**
 * Kafka's time index: 8-byte timestamp, 4-byte relative offset. Timestamps only
 * grow: an entry records the largest timestamp seen so far in the segment and
 * the last offset of the batch that carried it.
 */
export class TimeIndex {
  private readonly file: IndexFile;
  private readonly scratch = Buffer.alloc(ENTRY_SIZE);

  constructor(filePath: string, readonly baseOffset: number, maxIndexBytes: number, files: OpenFileCache = new OpenFileCache(MIN_OPEN_FILES)) {
    this.file = new IndexFile(filePath, ENTRY_SIZE, Math.floor(maxIndexBytes / ENTRY_SIZE), readInt64, files);
  }

  ensureOpen(): void {
    this.file.ensureOpen();
  }

  get entries(): number {
    return this.file.entries;
  }

  get isFull(): boolean {
    return this.file.isFull;
  }

  entryAt(i: number): TimestampOffset {
    const raw = this.file.entry(i);
    return { timestamp: readInt64(raw, 0), offset: this.baseOffset + raw.readInt32BE(8) };
  }

  lastEntry(): TimestampOffset | undefined {
    return this.entries > 0 ? this.entryAt(this.entries - 1) : undefined;
  }

  /** Appends only when `timestamp` is larger than the last entry's, as Kafka does. */
  maybeAppend(timestamp: number, offset: number): void {
    const last = this.lastEntry();
    if (last && timestamp <= last.timestamp) return;
    this.scratch.writeBigInt64BE(BigInt(timestamp), 0);
    this.scratch.writeInt32BE(offset - this.baseOffset, 8);
    this.file.append(this.scratch);
  }

  /**
   * The last entry whose timestamp is strictly below `timestamp`: every record
   * up to its offset is older than the target, so a search may start there.
   */
  lookupBefore(timestamp: number): TimestampOffset | undefined {
    const i = this.file.floorIndex(timestamp, true);
    return i < 0 ? undefined : this.entryAt(i);
  }

  /** Drops entries for offsets ≥ `offset` (offsets grow with the entries). */
  truncateFrom(offset: number): void {
    let keep = this.entries;
    while (keep > 0 && this.entryAt(keep - 1).offset >= offset) keep--;
    this.file.truncateToEntries(keep);
  }

  reset(): void {
    this.file.reset();
  }

  flush(): void {
    this.file.flush();
  }

  flushAsync(): Promise<void> {
    return this.file.flushAsync();
  }

  close(): void {
    this.file.close();
  }
}
