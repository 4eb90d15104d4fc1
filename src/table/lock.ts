import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Sink, SinkError, SinkFileExistsError } from '../ports/sink';
import { STATE_DIR } from './layout';

export class JobLockedError extends Error {
  constructor(readonly owner: string, readonly expiresAt: string, readonly partition?: number) {
    super(`the job is already running${partition === undefined ? '' : ` on partition ${partition}`} (lock held by ${owner} until ${expiresAt})`);
    this.name = 'JobLockedError';
  }
}

interface LockRecord {
  owner: string;
  host: string;
  pid: number;
  runId: string;
  expiresAt: string;
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lock is stale once it expires, or at once when its holder ran on this host and has died. */
function isStale(lock: LockRecord): boolean {
  if (Date.parse(lock.expiresAt) <= Date.now()) return true;
  return lock.host === os.hostname() && Number.isInteger(lock.pid) && lock.pid !== process.pid && processIsGone(lock.pid);
}

function lockRecordOf(text: string): LockRecord | null {
  try {
    const record = JSON.parse(text) as LockRecord;
    return record && typeof record.expiresAt === 'string' ? record : null;
  } catch {
    return null;
  }
}

export const LOCKS_DIR = `${STATE_DIR}/locks`;
const LOCK_FILE = /^(\d+)\.json$/;

/** The lock of one partition: `_sluice/locks/<p>.json`. */
export function partitionLockName(partition: number): string {
  return `${LOCKS_DIR}/${partition}.json`;
}

/** A lock file as found: which partition, and the run holding it while it is not stale. */
export interface HeldLock {
  partition: number;
  runId: string;
  owner: string;
}

/**
 * The job's locks, one per partition: `_sluice/locks/<p>.json`, each created only if absent, holding its owner,
 * host, pid, run and expiry. A run locks exactly the partitions it plans, so shards of a job (`--shard`,
 * `--partitions`) run at once, and two runs sharing a partition never both proceed.
 */
export class TableLock {
  constructor(private readonly sink: Sink, private readonly path: (relative: string) => string) {}

  /**
   * The lock as read: its text, and its record (null when the content is not one). Null when there is no lock.
   * A failure to read it says nothing about its holder, so it is thrown (never taken for staleness). Content that
   * is not a lock record is read again for a while (its creator may still be writing it: HDFS shows a file while it
   * is being written); still unreadable, it is a torn lock from a crash.
   */
  private async readLock(name: string, looks = 10): Promise<{ text: string; record: LockRecord | null } | null> {
    for (let look = 0; ; look++) {
      let text: string;
      try {
        text = (await this.sink.readFile(this.path(name))).toString('utf8');
      } catch (error) {
        if (error instanceof SinkError && error.remoteException === 'FileNotFoundException') return null;
        throw error;
      }
      const record = lockRecordOf(text);
      if (record || look >= looks) return { text, record };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Whether every one of `partitions` is still locked by this run: locks expire, and another run may take one over. */
  async holdsLock(runId: string, partitions: readonly number[]): Promise<boolean> {
    for (const partition of partitions) {
      const held = await this.readLock(partitionLockName(partition));
      if (held?.record?.runId !== runId) return false;
    }
    return true;
  }

  /** The partition locks held now by live runs (not stale), whoever holds them. */
  async liveLocks(): Promise<HeldLock[]> {
    const live: HeldLock[] = [];
    for (const entry of await this.sink.list(this.path(LOCKS_DIR))) {
      const match = LOCK_FILE.exec(entry.path.slice(entry.path.lastIndexOf('/') + 1));
      if (entry.type !== 'file' || !match) continue;
      const held = await this.readLock(`${LOCKS_DIR}/${match[0]}`, 0).catch(() => null);
      // A lock being written (no record yet) counts as live: its run has not begun to write.
      if (held && (!held.record || !isStale(held.record))) live.push({ partition: Number(match[1]), runId: held.record?.runId ?? '', owner: held.record?.owner ?? 'a run' });
    }
    return live;
  }

  /**
   * Locks `partitions`, in ascending order, all or nothing: when one is held by a live run, the ones taken are
   * released and JobLockedError names that partition and its holder. Ascending order means two runs whose sets
   * overlap meet at the lowest shared partition, and one of them gives up there.
   */
  async take(runId: string, partitions: readonly number[], ttlMs: number): Promise<() => Promise<void>> {
    const releases: (() => Promise<void>)[] = [];
    const releaseAll = async () => {
      for (const release of releases.reverse()) await release();
    };
    try {
      for (const partition of [...new Set(partitions)].sort((a, b) => a - b)) releases.push(await this.takeOne(partition, runId, ttlMs));
    } catch (error) {
      await releaseAll().catch(() => undefined);
      throw error;
    }
    return releaseAll;
  }

  /**
   * Takes one partition's lock: a file created only if absent. A stale lock is first renamed aside, which only one
   * contender can do, and checked to be the one judged stale.
   */
  private async takeOne(partition: number, runId: string, ttlMs: number): Promise<() => Promise<void>> {
    const name = partitionLockName(partition);
    const owner = `${os.hostname()} pid ${process.pid} run ${runId}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const record: LockRecord = { owner, host: os.hostname(), pid: process.pid, runId, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
        await this.sink.writeFile(this.path(name), Buffer.from(JSON.stringify(record, null, 2)));
        return async () => {
          const current = await this.readLock(name, 0).catch(() => null);
          if (current?.record?.runId === runId) await this.sink.delete(this.path(name), false);
        };
      } catch (error) {
        if (!(error instanceof SinkFileExistsError)) throw error;
      }
      const held = await this.readLock(name);
      if (!held) continue; // released since: try to create it again
      if (held.record && !isStale(held.record)) throw new JobLockedError(held.record.owner, held.record.expiresAt, partition);
      const aside = `${LOCKS_DIR}/${partition}.expired.${randomBytes(4).toString('hex')}.json`;
      if (!(await this.sink.rename(this.path(name), this.path(aside)))) continue;
      // A rename moves whatever is at the name by then: another contender may have replaced the stale lock with
      // its own since we read it. That one is put back, and it holds the partition.
      const moved = (await this.sink.readFile(this.path(aside))).toString('utf8');
      if (moved !== held.text) {
        const restored = await this.sink.rename(this.path(aside), this.path(name));
        const record = lockRecordOf(moved);
        if (!restored) throw new Error(`the lock ${this.path(name)} changed hands while a stale one was being removed; ${this.path(aside)} holds ${record?.owner ?? 'a lock'} that could not be put back`);
        throw new JobLockedError(record?.owner ?? 'another run', record?.expiresAt ?? 'unknown', partition);
      }
      await this.sink.delete(this.path(aside), false);
    }
    throw new Error(`could not take the lock ${this.path(name)}`);
  }
}
