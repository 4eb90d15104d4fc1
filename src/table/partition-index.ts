import { randomBytes } from 'node:crypto';
import type { Sink } from '../ports/sink';
import { CHECKPOINT_FILE, checkpointDir, checkpointName, indexDir, indexName, startOfPreviousMonth } from './layout';
import type { LostOffsets, RangeCheckpoint } from './records';

export interface OffsetSpan {
  start: number;
  end: number;
}

/** Offsets a `lost` checkpoint records as deleted by retention before they were loaded. */
export interface LostSpan extends OffsetSpan, LostOffsets {}

export interface RecentCheckpoint {
  /** File name inside the partition's checkpoint directory. */
  name: string;
  runId: string;
  committedAt: string;
}

/** What a partition's checkpoints add up to: everything a run or `status` needs without reading them all. */
export interface PartitionSummary {
  partition: number;
  checkpoints: number;
  /** Committed offsets, touching ranges merged: more than one only where offsets were never loaded (retention). */
  ranges: OffsetSpan[];
  /** Where the next load starts (the largest committed end); null when nothing was committed. */
  committedOffset: number | null;
  lastCheckpoint: string | null;
  records: number;
  badRecords: number;
  /** The largest `maxEventTime` of any checkpoint; null when none records one. */
  maxEventTime: number | null;
  /** Oldest and newest hour ("2026-11-21T05") holding a data file of this partition. */
  firstHour: string | null;
  lastHour: string | null;
  /** Checkpoints committed since the start of the previous month (UTC), for the run history's reconciliation. */
  recent: RecentCheckpoint[];
  /** The partition's `lost` checkpoints, in offset order (absent from index files written before they existed). */
  lost: LostSpan[];
}

const FORMAT = 'sluice-partition-index-1';

interface IndexFile extends PartitionSummary {
  format: typeof FORMAT;
  /** How many entries the checkpoint directory had: any other count means checkpoints the index has not seen. */
  directoryEntries: number;
  writtenAt: string;
}

export function emptySummary(partition: number): PartitionSummary {
  return { partition, checkpoints: 0, ranges: [], committedOffset: null, lastCheckpoint: null, records: 0, badRecords: 0, maxEventTime: null, firstHour: null, lastHour: null, recent: [], lost: [] };
}

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** `summary` with `added` folded in (in offset order); `recent` keeps what the history's look-back can still need. */
export function addCheckpoints(summary: PartitionSummary, added: readonly RangeCheckpoint[], now = new Date()): PartitionSummary {
  const next: PartitionSummary = { ...summary, ranges: summary.ranges.map((r) => ({ ...r })), recent: [...summary.recent], lost: [...(summary.lost ?? [])] };
  for (const checkpoint of [...added].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const last = next.ranges[next.ranges.length - 1];
    if (last && checkpoint.start <= last.end) last.end = Math.max(last.end, checkpoint.end);
    else next.ranges.push({ start: checkpoint.start, end: checkpoint.end });
    next.checkpoints++;
    next.committedOffset = Math.max(next.committedOffset ?? checkpoint.end, checkpoint.end);
    const name = nameOf(checkpointName(checkpoint.partition, checkpoint.start, checkpoint.end));
    if (next.lastCheckpoint === null || name > next.lastCheckpoint) next.lastCheckpoint = name;
    next.records += checkpoint.records;
    next.badRecords += checkpoint.badRecords;
    if (typeof checkpoint.maxEventTime === 'number') next.maxEventTime = Math.max(next.maxEventTime ?? checkpoint.maxEventTime, checkpoint.maxEventTime);
    for (const file of checkpoint.files) {
      if (file.format === 'dead-letter' || !file.hour) continue;
      if (next.firstHour === null || file.hour < next.firstHour) next.firstHour = file.hour;
      if (next.lastHour === null || file.hour > next.lastHour) next.lastHour = file.hour;
    }
    next.recent.push({ name, runId: checkpoint.runId, committedAt: checkpoint.committedAt });
    if (checkpoint.kind === 'lost' && checkpoint.lost) next.lost.push({ start: checkpoint.start, end: checkpoint.end, ...checkpoint.lost });
  }
  next.lost.sort((a, b) => a.start - b.start);
  const since = startOfPreviousMonth(now).getTime();
  next.recent = next.recent.filter((r) => Date.parse(r.committedAt) >= since);
  return next;
}

function isIndexFile(value: unknown, partition: number): value is IndexFile {
  const v = value as Partial<IndexFile> | null;
  return !!v && v.format === FORMAT && v.partition === partition && Number.isInteger(v.directoryEntries)
    && Number.isInteger(v.checkpoints) && Array.isArray(v.ranges) && Array.isArray(v.recent)
    && (v.committedOffset === null || Number.isInteger(v.committedOffset)) && (v.checkpoints === 0) === (v.committedOffset === null);
}

function summaryOf(file: IndexFile): PartitionSummary {
  const { format, directoryEntries, writtenAt, ...summary } = file;
  return { ...summary, lost: summary.lost ?? [] };
}

/**
 * The compacted per-partition index under `_sluice/index/<p>/`: checkpoints stay the truth, the index is what
 * they add up to. An index file is named by the number of entries the checkpoint directory had when it was
 * written (`<entries>.json`), so a reader asks the directory's status (one GETFILESTATUS: `childrenNum`) and opens
 * the index of that name: a checkpoint added since (a crash between a commit's checkpoints and its index, an
 * older sluice), one removed, or an index lost or torn all show as no valid file there, and the index is rebuilt
 * from the checkpoints. Each write is a new file staged beside and renamed into place (a WebHDFS rename never
 * replaces a file); older files are deleted after it, so a crash leaves at most extra files nobody opens.
 */
export class PartitionIndex {
  constructor(private readonly sink: Sink, private readonly path: (relative: string) => string) {}

  /** The index written for a checkpoint directory of `entries` entries, or null when there is none or it is not one. */
  private async read(partition: number, entries: number): Promise<IndexFile | null> {
    try {
      const parsed: unknown = JSON.parse((await this.sink.readFile(this.path(indexName(partition, entries)))).toString('utf8'));
      return isIndexFile(parsed, partition) && parsed.directoryEntries === entries ? parsed : null;
    } catch {
      return null; // missing, torn or unreadable: rebuilt from the checkpoints
    }
  }

  /** Entries of the checkpoint directory (null when there is none), from its status where the sink reports children (WebHDFS, local). */
  async directoryEntries(partition: number): Promise<number | null> {
    const dir = this.path(checkpointDir(partition));
    const status = await this.sink.status(dir);
    if (!status) return null;
    return status.children ?? (await this.sink.list(dir)).length;
  }

  /** The summary from every checkpoint file, and the directory's entry count it was read at. */
  async rebuild(partition: number): Promise<{ summary: PartitionSummary; directoryEntries: number }> {
    const entries = await this.sink.list(this.path(checkpointDir(partition)));
    const names = entries.filter((e) => e.type === 'file' && CHECKPOINT_FILE.test(nameOf(e.path))).map((e) => e.path).sort();
    const checkpoints = await Promise.all(names.map(async (p) => JSON.parse((await this.sink.readFile(p)).toString('utf8')) as RangeCheckpoint));
    return { summary: addCheckpoints(emptySummary(partition), checkpoints), directoryEntries: entries.length };
  }

  /**
   * The partition's summary: the index when it is current, else rebuilt from the checkpoints, and written back
   * when `persist` (only the lock's holder writes state).
   */
  async summary(partition: number, persist: boolean): Promise<PartitionSummary> {
    const entries = await this.directoryEntries(partition);
    if (entries === null) return emptySummary(partition); // nothing committed yet: nothing to index
    const file = await this.read(partition, entries);
    if (file) return summaryOf(file);
    const rebuilt = await this.rebuild(partition);
    if (persist) await this.write(partition, rebuilt.summary, rebuilt.directoryEntries);
    return rebuilt.summary;
  }

  /** After a commit wrote `added` (new checkpoint files only) on top of `base`, read before them. */
  async record(partition: number, base: PartitionSummary, added: readonly RangeCheckpoint[]): Promise<void> {
    const entries = await this.directoryEntries(partition);
    if (entries === null || (added.length === 0 && (await this.read(partition, entries)))) return;
    await this.write(partition, addCheckpoints(base, added), entries);
  }

  private async write(partition: number, summary: PartitionSummary, directoryEntries: number): Promise<void> {
    const dir = indexDir(partition);
    const name = indexName(partition, directoryEntries);
    const file: IndexFile = { format: FORMAT, directoryEntries, writtenAt: new Date().toISOString(), ...summary };
    const staging = `${dir}/.${directoryEntries}.${randomBytes(4).toString('hex')}.tmp`;
    await this.sink.writeFile(this.path(staging), Buffer.from(JSON.stringify(file) + '\n'));
    if (!(await this.sink.rename(this.path(staging), this.path(name)))) {
      // A file of that name that did not read as current (torn, or from another history): replaced. Readers
      // meanwhile find none and rebuild, which is slower but right.
      await this.sink.delete(this.path(name), false);
      if (!(await this.sink.rename(this.path(staging), this.path(name)))) throw new Error(`could not place the index ${this.path(name)}`);
    }
    // Older files and staging files a crash left; a crash here only leaves them for the next write.
    for (const entry of await this.sink.list(this.path(dir))) {
      if (!entry.path.endsWith(`/${name.slice(name.lastIndexOf('/') + 1)}`)) await this.sink.delete(entry.path, false).catch(() => false);
    }
  }
}
