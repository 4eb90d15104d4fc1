import * as fs from 'node:fs';

/**
 * A file of fixed-size entries sorted by a numeric key, mirrored in memory.
 * Entries are only appended or cut from the end; a crash may leave the file
 * short or long, which is why recovery rebuilds an index instead of trusting it.
 */
export class IndexFile {
  private fd: number;
  private memory: Buffer;
  private count: number;

  constructor(
    readonly filePath: string,
    readonly entrySize: number,
    readonly maxEntries: number,
    private readonly keyAt: (buffer: Buffer, pos: number) => number,
  ) {
    this.fd = fs.openSync(filePath, fs.constants.O_RDWR | fs.constants.O_CREAT);
    const size = fs.fstatSync(this.fd).size;
    this.count = Math.floor(size / entrySize);
    this.memory = Buffer.alloc(Math.max(entrySize * 64, this.count * entrySize));
    if (this.count > 0) fs.readSync(this.fd, this.memory, 0, this.count * entrySize, 0);
    if (size % entrySize !== 0) fs.ftruncateSync(this.fd, this.count * entrySize);
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
    fs.writeSync(this.fd, this.memory, pos, this.entrySize, pos);
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
    fs.ftruncateSync(this.fd, count * this.entrySize);
  }

  reset(): void {
    this.truncateToEntries(0);
  }

  flush(): void {
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
