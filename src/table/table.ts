// The table on a sink, as the rest of sluice sees it: a read side for tools and a write side for loads.
import type { Sink } from '../ports/sink';
import type { PartitionSummary } from './partition-index';
import type { GapAcknowledgement, RangeCheckpoint, SchemaGenerationRecord, SchemaStart } from './records';
import type { SchemaGeneration } from './schema-history';
import type { HeldLock } from './lock';

/** What status, verify, query, hive-ddl and the scheduler read. Nothing here writes. */
export interface TableReader {
  readonly sink: Sink;
  /** The table's directory inside the sink. */
  readonly root: string;
  /** Where its state is under `_sluice/` (`topics/<topic>` for one topic of a shared table); null for `_sluice/` itself. */
  readonly stateNamespace: string | null;
  /** A table-relative path as a sink path. */
  path(relative: string): string;
  describe(): string;
  readJson<T>(relative: string): Promise<T>;
  exists(relative: string): Promise<boolean>;
  checkpointedPartitions(): Promise<number[]>;
  /** Every checkpoint file of a partition, in offset order (cost grows with history: verify and hive-ddl). */
  checkpoints(partition: number): Promise<RangeCheckpoint[]>;
  checkpoint(partition: number, name: string): Promise<RangeCheckpoint>;
  /** From the partition's index: a few requests, whatever the history. */
  partitionSummary(partition: number): Promise<PartitionSummary>;
  partitionSummaries(): Promise<Map<number, PartitionSummary>>;
  committedOffset(partition: number): Promise<number | null>;
  /** Partition locks live runs (this one included) hold now: a run in progress. */
  liveLocks(): Promise<HeldLock[]>;
  /** The schema generations of `_sluice/schemas/`, oldest first (empty for a table written before the history). */
  schemaHistory(): Promise<SchemaGeneration[]>;
  /** Every `sluice ack-gap` record (`_sluice/gaps/`), in partition and offset order. */
  gapAcknowledgements(): Promise<GapAcknowledgement[]>;
}

/** What a load writes, always under the run's partition locks. */
export interface TableStore extends TableReader {
  /** Locks exactly `partitions` for the run, all or nothing; the function returned releases them. */
  lock(runId: string, ttlMs: number, partitions: readonly number[]): Promise<() => Promise<void>>;
  /** Whether the run still holds every partition lock it took. */
  holdsLock(runId: string): Promise<boolean>;
  /** The partitions locked by this store's run, ascending; empty when it holds no lock. */
  lockedPartitions(): number[];
  runDir(runId: string): string;
  /** Where a file of the run waits for the commit. */
  tmpPath(runId: string, finalPath: string): string;
  writeJsonOnce(relative: string, value: unknown): Promise<boolean>;
  unfinishedRuns(): Promise<string[]>;
  deleteRun(runId: string): Promise<void>;
  writeCheckpoint(range: RangeCheckpoint): Promise<boolean>;
  recordCheckpoints(partition: number, base: PartitionSummary, added: readonly RangeCheckpoint[]): Promise<void>;
  /** Creates a schema generation; false when one of that number exists already (another shard's). */
  writeSchemaGeneration(record: SchemaGenerationRecord): Promise<boolean>;
  /** Records where a generation starts in one of this run's locked partitions. */
  writeSchemaStart(generation: number, start: SchemaStart): Promise<void>;
  /**
   * Records an acknowledged gap, create-only (so `sluice ack-gap` needs no lock: nothing else writes the file); false
   * when that gap was acknowledged already.
   */
  writeGapAcknowledgement(ack: GapAcknowledgement): Promise<boolean>;
}
