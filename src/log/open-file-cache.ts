import * as fs from 'node:fs';
import { LogStorageError } from './errors';

const OUT_OF_DESCRIPTORS = new Set(['EMFILE', 'ENFILE']);
export const MIN_OPEN_FILES = 8;

function isOutOfDescriptors(error: unknown): boolean {
  return OUT_OF_DESCRIPTORS.has((error as NodeJS.ErrnoException)?.code ?? '');
}

/**
 * A bounded set of open file descriptors shared by every segment file of a
 * data directory. A file is opened when first used and closed again when it is
 * the least recently used one and room is needed, so the broker's descriptors
 * do not grow with partitions × segments. Closing loses nothing: writes are
 * synchronous and `fdatasync` on a later descriptor flushes the same file.
 */
export class OpenFileCache {
  /** Open files, least recently used first (a Map keeps insertion order). */
  private readonly open = new Map<CachedFile, true>();
  private mostRecent: CachedFile | undefined;
  /** Files held open by asynchronous uses; they cannot be evicted, so their number is bounded too. */
  private pinned = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < MIN_OPEN_FILES) {
      throw new RangeError(`the open-file cache needs room for at least ${MIN_OPEN_FILES} files, not ${capacity}`);
    }
  }

  /**
   * A handle on `filePath`, created (empty) if absent. Later reopens do not
   * create: a file removed behind the log's back is an error, not a new empty file.
   */
  file(filePath: string): CachedFile {
    const file = new CachedFile(filePath, this);
    file.withFd(() => undefined);
    return file;
  }

  get openCount(): number {
    return this.open.size;
  }

  /** @internal Claims one of the capacity/2 slots for an asynchronous use, or throws when all are taken. */
  pin(file: CachedFile): void {
    if (this.pinned >= Math.floor(this.capacity / 2)) {
      throw new LogStorageError(file.path, `${this.pinned} files are busy with background work; try again later`);
    }
    this.pinned++;
  }

  /** @internal */
  unpin(): void {
    this.pinned--;
  }

  /** @internal */
  touch(file: CachedFile): void {
    if (file === this.mostRecent) return;
    this.open.delete(file);
    this.open.set(file, true);
    this.mostRecent = file;
  }

  /** @internal Opens a descriptor for `file`, closing idle ones to stay within capacity. */
  openFor(file: CachedFile, create: boolean): number {
    this.evict(this.open.size + 1 - this.capacity);
    const flags = fs.constants.O_RDWR | (create ? fs.constants.O_CREAT : 0);
    let fd: number;
    try {
      fd = fs.openSync(file.path, flags);
    } catch (error) {
      if (!isOutOfDescriptors(error)) throw error;
      // Sockets or other code took the descriptors this cache counted on: give back half and try once more.
      this.evict(Math.ceil(this.open.size / 2));
      try {
        fd = fs.openSync(file.path, flags);
      } catch (retryError) {
        if (!isOutOfDescriptors(retryError)) throw retryError;
        throw new LogStorageError(file.path, `cannot open: the process is out of file descriptors (${(retryError as Error).message})`);
      }
    }
    this.open.set(file, true);
    this.mostRecent = file;
    return fd;
  }

  /** @internal */
  forget(file: CachedFile): void {
    this.open.delete(file);
    if (file === this.mostRecent) this.mostRecent = undefined;
  }

  private evict(count: number): void {
    for (const file of this.open.keys()) {
      if (count <= 0) return;
      if (file.releaseIfIdle()) count--;
    }
  }
}

/** One file whose descriptor the cache may close between uses. */
export class CachedFile {
  private fd = -1;
  private pins = 0;
  private closed = false;
  private opened = false;

  constructor(readonly path: string, private readonly cache: OpenFileCache) {}

  /**
   * Runs `use` with a descriptor for this file. The descriptor is only valid
   * inside `use`, which must not use other cached files (that could evict it).
   */
  withFd<T>(use: (fd: number) => T): T {
    if (this.closed) throw new LogStorageError(this.path, 'used after close');
    if (this.fd < 0) {
      this.fd = this.cache.openFor(this, !this.opened);
      this.opened = true;
    } else {
      this.cache.touch(this);
    }
    return use(this.fd);
  }

  /**
   * Like withFd, for an asynchronous use: the descriptor stays open until the
   * returned promise settles. Failing to open, or too many asynchronous uses
   * at once, throws at once rather than in the promise.
   */
  withFdAsync<T>(use: (fd: number) => Promise<T>): Promise<T> {
    const fd = this.withFd((fd) => fd);
    this.cache.pin(this);
    this.pins++;
    const unpin = () => {
      this.pins--;
      this.cache.unpin();
      if (this.closed) this.release();
    };
    return use(fd).finally(unpin);
  }

  /** @internal Closes the descriptor unless an asynchronous use holds it; true if it was closed. */
  releaseIfIdle(): boolean {
    if (this.pins > 0 || this.fd < 0) return false;
    this.release();
    return true;
  }

  private release(): void {
    if (this.pins > 0 || this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    this.cache.forget(this);
    fs.closeSync(fd);
  }

  /** Closes for good (at once, or when a running asynchronous use ends). */
  close(): void {
    this.closed = true;
    this.release();
  }
}
