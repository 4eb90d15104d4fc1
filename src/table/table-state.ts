import { randomBytes } from 'node:crypto';
import { Sink, joinSinkPath } from '../ports/sink';
import { CHECKPOINT_FILE, GAPS_DIR, STATE_DIR, checkpointDir, checkpointName, gapAcknowledgementName, runDir, tmpPath } from './layout';
import { HeldLock, TableLock } from './lock';
import { PartitionIndex, PartitionSummary } from './partition-index';
import type { GapAcknowledgement, RangeCheckpoint, SchemaGenerationRecord, SchemaStart } from './records';
import { SchemaGeneration, SchemaHistoryFiles } from './schema-history';
import type { TableStore } from './table';

export type { CommitManifest, CommittedFile, GapAcknowledgement, PlannedRange, RangeCheckpoint, RunPlan, SchemaGenerationRecord, SchemaStart } from './records';
export type { SchemaGeneration } from './schema-history';
export { JobLockedError } from './lock';
export type { TableReader, TableStore } from './table';

/** A job's table in a sink, with its state where the job keeps it (`output.stateNamespace`). */
export function jobTable(sink: Sink, job: { output: { table: string; stateNamespace?: string } }): TableState {
  return new TableState(sink, job.output.table, job.output.stateNamespace ?? null);
}

/** A table's directory in a sink and the state kept beside its data under _sluice/: both sides of the table. */
export class TableState implements TableStore {
  private readonly lockFile: TableLock;
  private readonly index: PartitionIndex;
  private readonly schemas: SchemaHistoryFiles;
  /** Set while this object holds partition locks: only for those does reading the index also repair it. */
  private lockedBy: string | null = null;
  private locked = new Set<number>();

  /**
   * `stateNamespace` (`topics/<topic>`, one topic of a table many topics share): the state goes to
   * `_sluice/<namespace>/…` instead of `_sluice/…`, while data files and markers stay in the table's hour directories.
   */
  constructor(readonly sink: Sink, readonly root: string, readonly stateNamespace: string | null = null) {
    this.lockFile = new TableLock(sink, (relative) => this.path(relative));
    this.index = new PartitionIndex(sink, (relative) => this.path(relative));
    this.schemas = new SchemaHistoryFiles(sink, (relative) => this.path(relative), (relative, value) => this.writeJsonOnce(relative, value));
  }

  path(relative: string): string {
    return joinSinkPath(this.root, this.stateNamespace !== null && relative.startsWith(`${STATE_DIR}/`) ? `${STATE_DIR}/${this.stateNamespace}/${relative.slice(STATE_DIR.length + 1)}` : relative);
  }

  /** The table as a user would find it: its local directory, or the sink URL and root. */
  describe(): string {
    return this.sink.localPath(this.root) ?? `${this.sink.location}/${this.root}`;
  }

  runDir(runId: string): string {
    return runDir(runId);
  }

  tmpPath(runId: string, finalPath: string): string {
    return tmpPath(runId, finalPath);
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
    const entries = await this.sink.list(this.path(`${STATE_DIR}/runs`));
    return entries.filter((e) => e.type === 'directory').map((e) => e.path.split('/').pop()!).sort();
  }

  async deleteRun(runId: string): Promise<void> {
    await this.sink.delete(this.path(runDir(runId)), true);
  }

  /** True when this call created the file; false when this run had already written it (a repeated commit). */
  async writeCheckpoint(range: RangeCheckpoint): Promise<boolean> {
    const name = checkpointName(range.partition, range.start, range.end);
    if (await this.writeJsonOnce(name, range)) return true;
    const existing = await this.readJson<RangeCheckpoint>(name);
    if (existing.runId !== range.runId) throw new Error(`${name} was already committed by run ${existing.runId}, not ${range.runId}`);
    return false;
  }

  /** Every committed range of a partition, in offset order: reads every checkpoint file (verify, hive-ddl). */
  async checkpoints(partition: number): Promise<RangeCheckpoint[]> {
    const entries = await this.sink.list(this.path(checkpointDir(partition)));
    const names = entries.map((e) => ({ ...e, name: e.path.slice(e.path.lastIndexOf('/') + 1) }))
      .filter((e) => e.type === 'file' && CHECKPOINT_FILE.test(e.name)).map((e) => `${checkpointDir(partition)}/${e.name}`).sort();
    return Promise.all(names.map((name) => this.readJson<RangeCheckpoint>(name)));
  }

  /** One checkpoint by its file name in the partition's directory. */
  async checkpoint(partition: number, name: string): Promise<RangeCheckpoint> {
    return this.readJson<RangeCheckpoint>(`${checkpointDir(partition)}/${name}`);
  }

  async checkpointedPartitions(): Promise<number[]> {
    const entries = await this.sink.list(this.path(`${STATE_DIR}/checkpoints`));
    return entries.filter((e) => e.type === 'directory').map((e) => Number(e.path.split('/').pop())).filter(Number.isInteger).sort((a, b) => a - b);
  }

  /** What the partition's checkpoints add up to, from its index (rebuilt when missing or behind). */
  async partitionSummary(partition: number): Promise<PartitionSummary> {
    return this.index.summary(partition, this.locked.has(partition));
  }

  async partitionSummaries(): Promise<Map<number, PartitionSummary>> {
    const partitions = await this.checkpointedPartitions();
    const summaries = await Promise.all(partitions.map((p) => this.partitionSummary(p)));
    return new Map(summaries.map((s) => [s.partition, s]));
  }

  /** Where the next scheduled load of `partition` starts, or null if nothing was ever committed. */
  async committedOffset(partition: number): Promise<number | null> {
    return (await this.partitionSummary(partition)).committedOffset;
  }

  /** Folds a commit's new checkpoint files into the partition's index; `base` was read before they were written. */
  async recordCheckpoints(partition: number, base: PartitionSummary, added: readonly RangeCheckpoint[]): Promise<void> {
    await this.index.record(partition, base, added);
  }

  schemaHistory(): Promise<SchemaGeneration[]> {
    return this.schemas.read();
  }

  writeSchemaGeneration(record: SchemaGenerationRecord): Promise<boolean> {
    return this.schemas.writeGeneration(record);
  }

  async writeSchemaStart(generation: number, start: SchemaStart): Promise<void> {
    if (!this.locked.has(start.partition)) throw new Error(`partition ${start.partition} is not locked by this run: its schema start is another run's to write`);
    return this.schemas.writeStart(generation, start);
  }

  async gapAcknowledgements(): Promise<GapAcknowledgement[]> {
    const acks: GapAcknowledgement[] = [];
    for (const dir of await this.sink.list(this.path(GAPS_DIR))) {
      if (dir.type !== 'directory') continue;
      const names = (await this.sink.list(dir.path)).filter((e) => e.type === 'file' && CHECKPOINT_FILE.test(e.path.slice(e.path.lastIndexOf('/') + 1)));
      for (const entry of names) acks.push(JSON.parse((await this.sink.readFile(entry.path)).toString('utf8')) as GapAcknowledgement);
    }
    return acks.sort((a, b) => a.partition - b.partition || a.start - b.start);
  }

  writeGapAcknowledgement(ack: GapAcknowledgement): Promise<boolean> {
    return this.writeJsonOnce(gapAcknowledgementName(ack.partition, ack.start, ack.end), ack);
  }

  /** Whether every partition this object locked is still locked by `runId`. */
  async holdsLock(runId: string): Promise<boolean> {
    return this.lockedBy === runId && this.lockFile.holdsLock(runId, [...this.locked]);
  }

  lockedPartitions(): number[] {
    return [...this.locked].sort((a, b) => a - b);
  }

  liveLocks(): Promise<HeldLock[]> {
    return this.lockFile.liveLocks();
  }

  /**
   * Locks exactly `partitions` for the run (JobLockedError naming the partition when another run holds one of
   * them); the function returned releases them all.
   */
  async lock(runId: string, ttlMs: number, partitions: readonly number[]): Promise<() => Promise<void>> {
    const release = await this.lockFile.take(runId, partitions, ttlMs);
    this.lockedBy = runId;
    this.locked = new Set(partitions);
    return async () => {
      this.lockedBy = null;
      this.locked = new Set();
      await release();
    };
  }
}
