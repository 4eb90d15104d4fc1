import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Sink, SinkError, SinkFileExistsError } from '../ports/sink';
import { STATE_DIR } from './layout';

export class JobLockedError extends Error {
  constructor(readonly owner: string, readonly expiresAt: string) {
    super(`the job is already running (lock held by ${owner} until ${expiresAt})`);
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

const LOCK = `${STATE_DIR}/lock.json`;

/**
 * The job's lock: `_sluice/lock.json`, created only if absent, holding its owner, host, pid and expiry. One per
 * table, so a table has one writer at a time (shards of a job take turns).
 */
export class TableLock {
  constructor(private readonly sink: Sink, private readonly path: (relative: string) => string) {}

  private async readJson(relative: string): Promise<{ runId: string }> {
    return JSON.parse((await this.sink.readFile(this.path(relative))).toString('utf8')) as { runId: string };
  }

  /**
   * The lock as read: its text, and its record (null when the content is not one). Null when there is no lock.
   * A failure to read it says nothing about its holder, so it is thrown (never taken for staleness). Content that
   * is not a lock record is read again for a while (its creator may still be writing it: HDFS shows a file while it
   * is being written); still unreadable, it is a torn lock from a crash.
   */
  private async readLock(name: string): Promise<{ text: string; record: LockRecord | null } | null> {
    for (let look = 0; ; look++) {
      let text: string;
      try {
        text = (await this.sink.readFile(this.path(name))).toString('utf8');
      } catch (error) {
        if (error instanceof SinkError && error.remoteException === 'FileNotFoundException') return null;
        throw error;
      }
      const record = lockRecordOf(text);
      if (record || look >= 10) return { text, record };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Whether the lock is still this run's: it expires, and another run may have taken it over. */
  async holdsLock(runId: string): Promise<boolean> {
    const held = await this.readLock(LOCK);
    return held?.record?.runId === runId;
  }

  /**
   * Takes the job's lock: a file created only if absent. A stale lock is
   * first renamed aside, which only one contender can do, and checked to be the one judged stale.
   */
  async take(runId: string, ttlMs: number): Promise<() => Promise<void>> {
    const name = LOCK;
    const owner = `${os.hostname()} pid ${process.pid} run ${runId}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const record: LockRecord = { owner, host: os.hostname(), pid: process.pid, runId, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
        await this.sink.writeFile(this.path(name), Buffer.from(JSON.stringify(record, null, 2)));
        return async () => {
          const current = await this.readJson(name).catch(() => null);
          if (current?.runId === runId) await this.sink.delete(this.path(name), false);
        };
      } catch (error) {
        if (!(error instanceof SinkFileExistsError)) throw error;
      }
      const held = await this.readLock(name);
      if (!held) continue; // released since: try to create it again
      if (held.record && !isStale(held.record)) throw new JobLockedError(held.record.owner, held.record.expiresAt);
      const aside = `${STATE_DIR}/lock.expired.${randomBytes(4).toString('hex')}.json`;
      if (!(await this.sink.rename(this.path(name), this.path(aside)))) continue;
      // A rename moves whatever is at the name by then: another contender may have replaced the stale lock with
      // its own since we read it. That one is put back, and it holds the job.
      const moved = (await this.sink.readFile(this.path(aside))).toString('utf8');
      if (moved !== held.text) {
        const restored = await this.sink.rename(this.path(aside), this.path(name));
        const record = lockRecordOf(moved);
        if (!restored) throw new Error(`the lock ${this.path(name)} changed hands while a stale one was being removed; ${this.path(aside)} holds ${record?.owner ?? 'a lock'} that could not be put back`);
        throw new JobLockedError(record?.owner ?? 'another run', record?.expiresAt ?? 'unknown');
      }
      await this.sink.delete(this.path(aside), false);
    }
    throw new Error(`could not take the lock ${this.path(name)}`);
  }
}
