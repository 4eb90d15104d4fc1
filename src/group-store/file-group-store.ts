import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommittedOffset, GroupStore, StoredGroup, TopicPartitionRef } from '../ports/group-store';
import { decodeChanges, encodeChange } from './change-codec';
import { GroupChange, StoredGroups } from './stored-groups';

/** The directory under the data directory (no `-<n>` suffix, so the log never takes it for a partition). */
export const GROUP_STORE_DIR = '__consumer_offsets';
const LOG_FILE = 'groups.log';
const COMPACTING_FILE = 'groups.log.compacting';

export interface FileGroupStoreOptions {
  log?: (line: string) => void;
  /** Compact once the file holds this many changes more than its live state needs (default 10,000). */
  compactAfterChanges?: number;
}

/** Thrown when the store cannot write; the change was not applied. */
export class GroupStoreWriteError extends Error {
  constructor(readonly file: string, cause: Error) {
    super(`cannot write ${file}: ${cause.message}`);
    this.name = 'GroupStoreWriteError';
  }
}

/**
 * Group metadata and offsets in an append-only file of checked changes (length, CRC-32C, JSON),
 * `<data-dir>/__consumer_offsets/groups.log`. Each write is appended with a synchronous write, so a
 * kill -9 right after the call loses nothing, and its promise resolves after an fdatasync shared by
 * the writes waiting at that moment (a group commit). Opening replays the file and cuts a torn tail.
 * When dead changes pile up the live state is written to a new file, synced, and renamed over the
 * old one, so a crash leaves one whole file or the other.
 */
export class FileGroupStore implements GroupStore {
  private readonly state = new StoredGroups();
  private fd: number;
  private changesInFile = 0;
  private syncRunning = false;
  private syncWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private closed = false;
  private readonly file: string;
  private readonly compactAfter: number;

  private constructor(private readonly dir: string, private readonly options: FileGroupStoreOptions) {
    this.file = path.join(dir, LOG_FILE);
    this.compactAfter = options.compactAfterChanges ?? 10_000;
    fs.rmSync(path.join(dir, COMPACTING_FILE), { force: true });
    this.fd = this.replay();
  }

  static open(dataDir: string, options: FileGroupStoreOptions = {}): FileGroupStore {
    const dir = path.join(dataDir, GROUP_STORE_DIR);
    fs.mkdirSync(dir, { recursive: true });
    return new FileGroupStore(dir, options);
  }

  private replay(): number {
    const data = fs.existsSync(this.file) ? fs.readFileSync(this.file) : Buffer.alloc(0);
    const { changes, validBytes, stoppedBecause } = decodeChanges(data);
    for (const change of changes) this.state.apply(change);
    this.changesInFile = changes.length;
    const fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND);
    if (validBytes < data.length) {
      // Kept beside rather than lost: only a crash mid-write should leave a tail, but a bad disk could too.
      const aside = `${this.file}.tail-${Date.now()}`;
      fs.writeFileSync(aside, data.subarray(validBytes));
      fs.ftruncateSync(fd, validBytes);
      fs.fdatasyncSync(fd);
      this.options.log?.(`${this.file}: ${data.length - validBytes} bytes after byte ${validBytes} cut (${stoppedBecause}); kept in ${aside}`);
    }
    return fd;
  }

  groupIds(): string[] {
    return this.state.groupIds();
  }

  group(groupId: string): StoredGroup | undefined {
    return this.state.group(groupId);
  }

  offsets(groupId: string): CommittedOffset[] {
    return this.state.offsets(groupId);
  }

  offset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.state.offset(groupId, topic, partition);
  }

  saveGroup(group: StoredGroup): Promise<void> {
    return this.write({ kind: 'group', group });
  }

  commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void> {
    if (offsets.length === 0) return Promise.resolve();
    return this.write({ kind: 'offsets', groupId, offsets });
  }

  deleteOffsets(groupId: string, partitions: TopicPartitionRef[]): Promise<void> {
    if (partitions.length === 0 || this.state.offsets(groupId).length === 0) return Promise.resolve();
    return this.write({ kind: 'delete-offsets', groupId, partitions });
  }

  deleteGroup(groupId: string): Promise<void> {
    if (!this.state.groupIds().includes(groupId)) return Promise.resolve();
    return this.write({ kind: 'delete-group', groupId });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.syncRunning) this.closeFile();
  }

  private write(change: GroupChange): Promise<void> {
    if (this.closed) return Promise.reject(new GroupStoreWriteError(this.file, new Error('the store is closed')));
    const bytes = encodeChange(change);
    try {
      fs.writeSync(this.fd, bytes);
    } catch (error) {
      return Promise.reject(new GroupStoreWriteError(this.file, error as Error));
    }
    this.state.apply(change);
    this.changesInFile++;
    const synced = this.sync();
    this.maybeCompact();
    return synced;
  }

  private sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject });
      if (!this.syncRunning) this.runSync();
    });
  }

  /** One fdatasync for every write waiting when it starts; writes arriving meanwhile wait for the next. */
  private runSync(): void {
    const waiting = this.syncWaiters;
    this.syncWaiters = [];
    this.syncRunning = true;
    fs.fdatasync(this.fd, (error) => {
      this.syncRunning = false;
      for (const waiter of waiting) {
        if (error) waiter.reject(new GroupStoreWriteError(this.file, error));
        else waiter.resolve();
      }
      if (this.syncWaiters.length > 0) this.runSync();
      else if (this.closed) this.closeFile();
      else this.maybeCompact();
    });
  }

  private maybeCompact(): void {
    if (this.syncRunning || this.closed) return;
    const live = this.state.liveChangeCount;
    if (this.changesInFile - live < this.compactAfter) return;
    const temporary = path.join(this.dir, COMPACTING_FILE);
    try {
      const fd = fs.openSync(temporary, 'w');
      try {
        for (const change of this.state.snapshot()) fs.writeSync(fd, encodeChange(change));
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, this.file);
      const dirFd = fs.openSync(this.dir, 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      this.options.log?.(`compacting ${this.file} failed, keeping the uncompacted file: ${(error as Error).message}`);
      return;
    }
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_APPEND);
    this.changesInFile = live;
  }

  private closeFile(): void {
    try {
      fs.fdatasyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
  }
}
