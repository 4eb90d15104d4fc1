import * as fs from 'node:fs';
import { CachedFile, OpenFileCache } from './open-file-cache';

/**
 * A file of fixed-size entries sorted by a numeric key, mirrored in memory.
 * Entries are only appended or cut from the end; a crash may leave the file
 * short or long, which is why recovery rebuilds an index instead of trusting it.
 */
export class IndexFile {
  private readonly file: CachedFile;
  private memory: Buffer;
  private count: number;

  constructor(
    readonly filePath: string,
    readonly entrySize: number,
    readonly maxEntries: number,
    private readonly keyAt: (buffer: Buffer, pos: number) => number,
    files: OpenFileCache,
  ) {
    this.file = files.file(filePath);
    const size = this.file.withFd((fd) => fs.fstatSync(fd).size);
    this.count = Math.floor(size / entrySize);
    this.memory = Buffer.alloc(Math.max(entrySize * 64, this.count * entrySize));
    this.file.withFd((fd) => {
      if (this.count > 0) fs.readSync(fd, this.memory, 0, this.count * entrySize, 0);
      if (size % entrySize !== 0) fs.ftruncateSync(fd, this.count * entrySize);
    });
  }

  /** Takes a descriptor now, so that appends right after it need not open one. */
  ensureOpen(): void {
    this.file.withFd(() => undefined);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  /** The raw bytes of entry `i`, a view into memory. */
  entry(i: number): Buffer {
    return this.memory.subarray(i * this.entrySize, (i + 1) * this.entrySize);
  }

  key(i: number): number {
    return this.keyAt(this.memory, i * this.entrySize);
  }

  append(entry: Buffer): void {
    const pos = this.count * this.entrySize;
    if (pos + this.entrySize > this.memory.length) {
      const grown = Buffer.alloc(this.memory.length * 2);
      this.memory.copy(grown, 0, 0, pos);
      this.memory = grown;
    }
    entry.copy(this.memory, pos, 0, this.entrySize);
    this.file.withFd((fd) => fs.writeSync(fd, this.memory, pos, this.entrySize, pos));
    this.count++;
  }

  /** Index of the last entry whose key is ≤ `target` (or < when `strict`), or -1. */
  floorIndex(target: number, strict = false): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.key(mid);
      if (strict ? key < target : key <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  truncateToEntries(count: number): void {
    if (count >= this.count) return;
    this.count = count;
    this.file.withFd((fd) => fs.ftruncateSync(fd, count * this.entrySize));
  }

  reset(): void {
    this.truncateToEntries(0);
  }

  flush(): void {
    this.file.withFd((fd) => fs.fdatasyncSync(fd));
  }

  /** fdatasync on libuv's thread pool; throws at once when no descriptor can be had for it. */
  flushAsync(): Promise<void> {
    return this.file.withFdAsync((fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve()))));
  }

  close(): void {
    this.file.close();
  }
}
