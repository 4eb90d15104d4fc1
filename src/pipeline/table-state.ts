import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Sink, SinkError, SinkFileExistsError, joinSinkPath } from '../ports/sink';

export interface PlannedRange {
  partition: number;
  start: number;
  end: number;
}

export interface RunPlan {
  runId: string;
  job: string;
  topic: string;
  kind: 'scheduled' | 'backfill';
  createdAt: string;
  ranges: PlannedRange[];
}

export interface CommittedFile {
  /** Relative to the table root, e.g. dt=2026-11-21/hr=05/page_views+0+100+200+0.avro */
  path: string;
  format: 'avro' | 'parquet' | 'dead-letter';
  hour: string | null;
  records: number;
  bytes: number;
}

/** What one run loaded from one partition: the unit verify tiles. */
export interface RangeCheckpoint extends PlannedRange {
  runId: string;
  committedAt: string;
  records: number;
  badRecords: number;
  files: CommittedFile[];
  /** Latest event time (epoch ms) among the range's good records not stamped after they were read; absent when it had none, or in older checkpoints. */
  maxEventTime?: number;
}

export interface CommitManifest {
  runId: string;
  ranges: RangeCheckpoint[];
}

export class JobLockedError extends Error {
  constructor(readonly owner: string, readonly expiresAt: string) {
    super(`the job is already running (lock held by ${owner} until ${expiresAt})`);
    this.name = 'JobLockedError';
  }
}

const STATE = '_sluice';

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

function pad(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** A table's directory in a sink and the state kept beside its data under _sluice/. */
export class TableState {
  constructor(readonly sink: Sink, readonly root: string) {}

  path(relative: string): string {
    return joinSinkPath(this.root, relative);
  }

  runDir(runId: string): string {
    return `${STATE}/runs/${runId}`;
  }

  tmpPath(runId: string, finalPath: string): string {
    return `${this.runDir(runId)}/tmp/${finalPath}`;
  }

  private checkpointDir(partition: number): string {
    return `${STATE}/checkpoints/${partition}`;
  }

  async readJson<T>(relative: string): Promise<T> {
    return JSON.parse((await this.sink.readFile(this.path(relative))).toString('utf8')) as T;
  }

  /** Writes beside, then renames into place: a reader sees the whole file or none. */
  async writeJsonOnce(relative: string, value: unknown): Promise<boolean> {
    const staging = `${relative}.${randomBytes(4).toString('hex')}.tmp`;
    await this.sink.writeFile(this.path(staging), Buffer.from(JSON.stringify(value, null, 2) + '\n'));
    const placed = await this.sink.rename(this.path(staging), this.path(relative));
    if (!placed) await this.sink.delete(this.path(staging), false);
    return placed;
  }

  async exists(relative: string): Promise<boolean> {
    return (await this.sink.status(this.path(relative))) !== null;
  }

  /** Unfinished runs, oldest first. */
  async unfinishedRuns(): Promise<string[]> {
    const entries = await this.sink.list(this.path(`${STATE}/runs`));
    return entries.filter((e) => e.type === 'directory').map((e) => e.path.split('/').pop()!).sort();
  }

  async writeCheckpoint(range: RangeCheckpoint): Promise<void> {
    const name = `${this.checkpointDir(range.partition)}/${pad(range.start)}-${pad(range.end)}.json`;
    if (await this.writeJsonOnce(name, range)) return;
    const existing = await this.readJson<RangeCheckpoint>(name);
    if (existing.runId !== range.runId) throw new Error(`${name} was already committed by run ${existing.runId}, not ${range.runId}`);
  }

  /** Every committed range of a partition, in offset order. */
  async checkpoints(partition: number): Promise<RangeCheckpoint[]> {
    const entries = await this.sink.list(this.path(this.checkpointDir(partition)));
    const names = entries.filter((e) => e.type === 'file' && /\/\d{20}-\d{20}\.json$/.test(e.path)).map((e) => e.path.slice(this.root.length + 1)).sort();
    return Promise.all(names.map((name) => this.readJson<RangeCheckpoint>(name)));
  }

  async checkpointedPartitions(): Promise<number[]> {
    const entries = await this.sink.list(this.path(`${STATE}/checkpoints`));
    return entries.filter((e) => e.type === 'directory').map((e) => Number(e.path.split('/').pop())).filter(Number.isInteger).sort((a, b) => a - b);
  }

  /** Where the next scheduled load of `partition` starts, or null if nothing was ever committed. */
  async committedOffset(partition: number): Promise<number | null> {
    const ranges = await this.checkpoints(partition);
    return ranges.length === 0 ? null : Math.max(...ranges.map((r) => r.end));
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
    const held = await this.readLock(`${STATE}/lock.json`);
    return held?.record?.runId === runId;
  }

  /**
   * Takes the job's lock: a file created only if absent. A stale lock is
   * first renamed aside, which only one contender can do, and checked to be the one judged stale.
   */
  async lock(runId: string, ttlMs: number): Promise<() => Promise<void>> {
    const name = `${STATE}/lock.json`;
    const owner = `${os.hostname()} pid ${process.pid} run ${runId}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const record: LockRecord = { owner, host: os.hostname(), pid: process.pid, runId, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
        await this.sink.writeFile(this.path(name), Buffer.from(JSON.stringify(record, null, 2)));
        return async () => {
          const current = await this.readJson<{ runId: string }>(name).catch(() => null);
          if (current?.runId === runId) await this.sink.delete(this.path(name), false);
        };
      } catch (error) {
        if (!(error instanceof SinkFileExistsError)) throw error;
      }
      const held = await this.readLock(name);
      if (!held) continue; // released since: try to create it again
      if (held.record && !isStale(held.record)) throw new JobLockedError(held.record.owner, held.record.expiresAt);
      const aside = `${STATE}/lock.expired.${randomBytes(4).toString('hex')}.json`;
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
