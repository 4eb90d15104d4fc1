import { IndexFile } from './index-file';
import { MIN_OPEN_FILES, OpenFileCache } from './open-file-cache';

const ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

/**
 * Kafka's sparse offset index: 4-byte offset relative to the segment's base,
 * 4-byte byte position in the .log file. Each entry names the last offset of a
 * batch and where that batch starts.
 */
export class OffsetIndex {
  private readonly file: IndexFile;
  private readonly scratch = Buffer.alloc(ENTRY_SIZE);

  constructor(filePath: string, readonly baseOffset: number, maxIndexBytes: number, files: OpenFileCache = new OpenFileCache(MIN_OPEN_FILES)) {
    this.file = new IndexFile(filePath, ENTRY_SIZE, Math.floor(maxIndexBytes / ENTRY_SIZE), (b, p) => b.readInt32BE(p), files);
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

  get sizeInBytes(): number {
    return this.file.sizeInBytes;
  }

  entryAt(i: number): OffsetPosition {
    const raw = this.file.entry(i);
    return { offset: this.baseOffset + raw.readInt32BE(0), position: raw.readInt32BE(4) };
  }

  lastEntry(): OffsetPosition | undefined {
    return this.entries > 0 ? this.entryAt(this.entries - 1) : undefined;
  }

  append(offset: number, position: number): void {
    this.scratch.writeInt32BE(offset - this.baseOffset, 0);
    this.scratch.writeInt32BE(position, 4);
    this.file.append(this.scratch);
  }

  /** Where to start scanning for `offset`: the last entry at or before it, else the segment start. */
  lookup(offset: number): OffsetPosition {
    const i = this.file.floorIndex(offset - this.baseOffset);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entryAt(i);
  }

  /** Drops entries for offsets ≥ `offset`. */
  truncateFrom(offset: number): void {
    this.file.truncateToEntries(this.file.floorIndex(offset - this.baseOffset, true) + 1);
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
