import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSchemaRegistry, openSink } from '../connector-factory';
import type { RecordSource, RecordSourceOptions } from '../ports/record-source';
import { withMetadataColumns } from '../formats/avro-schema';
import type { JobDefinition } from '../job/job-definition';
import { newRunId } from '../table/layout';
import { EventTimeWindow, loadRange } from './range-loader';
import { openJobSource, rangeLoadContext } from './range-context';
import { loadRangesOnWorkers, WarmWorkers } from './worker-pool';
import { applyCommit, recoverUnfinishedRuns, writeManifest } from '../table/commit';
import { CommitManifest, jobTable, PlannedRange, RunPlan, TableStore } from '../table/table-state';
import { CompletenessScope, RunRecorder } from './run-recorder';
import { hasTablePerTopic, isManyTopicJob, topicJob } from '../job/job-topics';
import { runManyTopics } from './many-topics';
import { RegistryOpener, registryReaders } from '../job/registry-access';
import { ReaderSchemas, resolveReaderSchemas } from '../job/reader-schemas';
import { checkPartitioningFields, checkTableFitsPartitioning } from '../job/job-partitioning';
import { removeStrayFiles } from '../table/strays';
import { recoverReloads } from '../table/reload-swap';
import { recoverUnfinishedSwaps } from '../table/file-swap';
import { checkSchemaEvolution, evolveTableSchema, fieldChanges, ReaderSchema } from '../table/schema-evolution';
import type { LoadSummary } from './load-summary';
import { findRetentionGaps, lostCheckpoints } from './retention-gaps';
import { enforceBadRecordLimit } from './bad-record-threshold';
import { mergeBadReasons } from './bad-record-tally';

export type { LoadSummary } from './load-summary';

export { BadRecordThresholdError } from './bad-record-threshold';

export class LockLostError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} no longer holds the lock of every partition it planned (one expired and another run took it): nothing was committed`);
    this.name = 'LockLostError';
  }
}

export interface LoadOptions {
  /** Partitions this run may touch (--partitions / --shard); all by default. */
  partitions?: number[];
  /** A many-topic job: load only this topic (`load --topic`); every topic it selects by default. */
  topic?: string;
  dryRun?: boolean;
  log?: (line: string) => void;
  /**
   * Stopping (SIGTERM, `sluice schedule` shutting down): reading stops as at the duration limit and the
   * run commits what it read; aborted before anything was planned, the run gives up with nothing written.
   */
  signal?: AbortSignal;
  /** The run's id, when the caller wants to name the run before it starts (log lines); a fresh one by default. */
  runId?: string;
  /** Request timeout, retries and fetch size of the job's source, on the main thread and on every worker thread. */
  sourceOptions?: RecordSourceOptions;
  /**
   * Where the main thread reads from instead of the job's Kafka topic (the pipeline's tests pass an in-memory
   * source). Worker threads always open the job's topic, so this needs `workerThreads: 0`.
   */
  openSource?: (job: JobDefinition, options: RecordSourceOptions) => Promise<RecordSource>;
  /** The Schema Registry client the main thread uses (tests pass an in-memory one); like `openSource`, it needs `workerThreads: 0`. */
  openRegistry?: RegistryOpener;
  /** The ranges the run is about to read, once planned (a progress display takes its total from them). */
  onPlan?: (work: PlannedRange[]) => void;
  /** Records read so far, as they are read. */
  onProgress?: (records: number) => void;
}

/**
 * `work` on every item, `limit` at a time. After a failure no item is started, `onFailure` is told (so work under
 * way can end early), and the failure is thrown only once every lane has stopped: nothing runs on after it.
 */
async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>, onFailure: () => void = () => undefined): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i]);
      } catch (error) {
        if (!failure) {
          failure = { error };
          onFailure();
        }
      }
    }
  });
  await Promise.all(lanes);
  if (failure) throw failure.error;
  return results;
}

async function choosePartitions(source: RecordSource, wanted: number[] | undefined): Promise<number[]> {
  const all = await source.partitions();
  if (!wanted) return all;
  const unknown = wanted.filter((p) => !all.includes(p));
  if (unknown.length > 0) throw new Error(`topic ${source.topic} has no partition ${unknown.join(', ')} (it has ${all.length})`);
  return wanted;
}

/** For each partition: from the committed offset (or the earliest kept) to the high watermark now, capped by the job's limit. */
export async function makePlan(job: JobDefinition, table: TableStore, source: RecordSource, partitions: number[], log: (line: string) => void): Promise<PlannedRange[]> {
  const ranges: PlannedRange[] = [];
  const offsets = await source.offsetRanges(partitions);
  for (const partition of partitions) {
    const { earliest, latest } = offsets.get(partition)!;
    const committed = await table.committedOffset(partition);
    let start = committed ?? earliest;
    if (start < earliest) {
      log(`partition ${partition}: offsets ${start}..${earliest - 1} were deleted by retention before they were loaded: the run records them as lost (verify fails until they are acknowledged with sluice ack-gap)`);
      start = earliest;
    }
    ranges.push({ partition, start, end: Math.min(latest, start + job.limits.maxRecordsPerPartition) });
  }
  return ranges;
}

/** Decides a run's ranges; scheduled loads and backfills differ only here and in where they write. */
export type Planner = (table: TableStore, source: RecordSource, partitions: number[]) => Promise<PlannedRange[]>;

export interface RunTarget {
  table: TableStore;
  kind: RunPlan['kind'];
  planner: Planner;
  /** Only records whose event time falls in it are loaded (an event-time backfill). */
  eventTimeWindow?: EventTimeWindow;
  /** Completeness over more than the run's topic (a table many topics share); the run's own source and table by default. */
  completeness?: CompletenessScope;
}

/** One run of a job: plan, read every partition's range in parallel, then commit exactly once. */
export async function runLoad(job: JobDefinition, options: LoadOptions = {}): Promise<LoadSummary> {
  if (isManyTopicJob(job)) return runManyTopics(job, options, runTopicLoad);
  return runTopicLoad(hasTablePerTopic(job) ? topicJob(job, job.source.topic) : job, options);
}

/** A scheduled run of one topic: a `source.topic` job, or one topic of a many-topic job. */
function runTopicLoad(job: JobDefinition, options: LoadOptions, completeness?: CompletenessScope): Promise<LoadSummary> {
  const log = options.log ?? (() => undefined);
  const table = jobTable(openSink(job.output.sink), job);
  return executeRun(job, { table, kind: 'scheduled', planner: (t, source, partitions) => makePlan(job, t, source, partitions, log), completeness }, options);
}

export async function executeRun(job: JobDefinition, target: RunTarget, options: LoadOptions & { onProgress?: (records: number) => void }): Promise<LoadSummary> {
  const log = options.log ?? (() => undefined);
  const runId = options.runId ?? newRunId();
  const { table } = target;
  if (isManyTopicJob(job)) throw new TypeError(`job ${job.name}: a run reads one topic; a job of source.topics or source.topicPattern runs once per topic (runLoad)`);
  if ((options.openSource || options.openRegistry) && job.workerThreads > 0) throw new TypeError(`job ${job.name}: a source or registry given to the run cannot reach worker threads (set workerThreads to 0)`);
  // Before anything is locked or written: a registry that cannot be reached fails the run with nothing to undo.
  const registryFor = registryReaders(options.openRegistry ?? openSchemaRegistry);
  const readerSchemas = await resolveReaderSchemas(job, registryFor);
  checkPartitioningFields(job.file, job.output.partitioning, readerSchemas.value.schema, readerSchemas.value.source);
  const sourceOptions = options.sourceOptions ?? {};
  const source = await (options.openSource ?? openJobSource)(job, sourceOptions);
  const stagingDir = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-${job.output.table}-`));
  let warm: WarmWorkers | undefined;
  try {
    const partitions = await choosePartitions(source, options.partitions);
    if (options.dryRun) {
      const plan = await target.planner(table, source, partitions);
      const reader = outputSchema(job, readerSchemas);
      if (!(await checkSchemaEvolution(table, reader))) log(`the schema of ${reader.source} is new to table ${job.output.table}: the load would record it as its next schema generation`);
      return { runId, plan, committed: [], recovered: { rolledBack: [], rolledForward: [] }, dryRun: true };
    }
    if (options.signal?.aborted) return givenUp(runId);
    warm = job.workerThreads > 0 ? new WarmWorkers(Math.min(job.workerThreads, partitions.length), job.output.formats.includes('parquet')) : undefined;
    const release = await table.lock(runId, (job.limits.maxDurationSeconds + 300) * 1000, partitions);
    let manifestWritten = false;
    const abandon = new AbortController();
    const stopReading = () => abandon.abort();
    const recorder = new RunRecorder(job, target, runId, source, log);
    try {
      const strays = await removeStrayFiles(table, partitions);
      if (strays.length > 0) log(`removed ${strays.length} staging file${strays.length === 1 ? '' : 's'} left by killed writes: ${strays.join(', ')}`);
      const recovered = await recoverUnfinishedRuns(table, runId);
      for (const id of recovered.rolledForward) log(`finished the commit of interrupted run ${id}`);
      for (const id of recovered.rolledBack) log(`rolled back interrupted run ${id} (it had not committed)`);
      const reloads = await recoverReloads(table);
      for (const id of reloads.finished) log(`finished the file swap of interrupted reload ${id}`);
      const swaps = await recoverUnfinishedSwaps(table, runId, () => table.checkpointedPartitions());
      for (const id of [...swaps.finished, ...swaps.abandoned]) log(`${swaps.finished.includes(id) ? 'finished' : 'rolled back'} interrupted ${swaps.kinds?.[id] ?? 'compaction'} ${id}`);
      const plan = await target.planner(table, source, partitions);
      // Offsets retention deleted before they were loaded are committed as `lost` checkpoints with the run.
      const gaps = target.kind === 'scheduled' ? await findRetentionGaps(table, source, plan) : [];
      const work = plan.filter((r) => r.end > r.start);
      const reader = outputSchema(job, readerSchemas);
      if (work.length === 0 && gaps.length === 0) {
        // Nothing is written with it yet, but a schema that could not become the table's is said now.
        await checkSchemaEvolution(table, reader);
        // `return await`, not `return`: markers and history are written before the lock is released.
        return await recorder.finished({ runId, plan, committed: [], recovered, dryRun: false });
      }
      if (options.signal?.aborted) return { ...givenUp(runId), recovered };
      await checkTableFitsPartitioning(job.file, job.output, table, work.map((r) => r.partition));
      // Before any file of the run exists: an incompatible schema stops it here, with nothing written.
      const { generation, replaced } = await evolveTableSchema(table, reader, new Map(plan.map((r) => [r.partition, r.start])), runId);
      if (replaced) {
        const { added, changed, removed } = fieldChanges(replaced.schema, generation.schema);
        const what = [added.length ? `adds ${added.join(', ')}` : '', changed.length ? `changes the type of ${changed.join(', ')}` : '', removed.length ? `drops ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
        log(`schema generation ${generation.generation} of table ${job.output.table} from ${reader.source}${what ? ` (${what})` : ''}: new files carry it, older files keep generation ${replaced.generation}`);
      }
      recorder.plan(work);
      options.onPlan?.(work);
      const runPlan: RunPlan = { runId, job: job.name, topic: job.source.topic, kind: target.kind, createdAt: new Date().toISOString(), ranges: work };
      await table.writeJsonOnce(`${table.runDir(runId)}/plan.json`, runPlan);
      // A range that fails ends the others where their reading got to (the run fails; they must not write on).
      // Stopping reaches the ranges through the same signal.
      if (options.signal?.aborted) abandon.abort();
      else options.signal?.addEventListener('abort', stopReading, { once: true });
      const deadline = Date.now() + job.limits.maxDurationSeconds * 1000;
      const inProcess = rangeLoadContext({ job, table, runId, source, stagingDir, deadline, signal: abandon.signal, onProgress: options.onProgress, eventTimeWindow: target.eventTimeWindow }, readerSchemas, registryFor);
      const results = job.workerThreads > 0
        ? await loadRangesOnWorkers({ job, sink: table.sink.location, tableRoot: table.root, stateNamespace: table.stateNamespace, runId, stagingDir, deadline, sourceOptions, readerSchemas, eventTimeWindow: target.eventTimeWindow }, work, job.workerThreads, options.onProgress, options.signal, warm)
        : await mapConcurrently(work, job.concurrency, (range) => loadRange(inProcess, range), () => abandon.abort());
      recorder.read(results);
      await enforceBadRecordLimit(job, table, target.kind, runId, results, log);
      const committedAt = new Date().toISOString();
      // A range stopped (SIGTERM) before its first fetch read nothing and records nothing.
      const read = results.filter((r) => r.end > r.start);
      const manifest: CommitManifest = {
        runId,
        ranges: [...read.map(({ badReasons, ...range }) => ({ ...range, committedAt, schemaGeneration: generation.generation })), ...lostCheckpoints(gaps, runId, committedAt)],
      };
      if (manifest.ranges.length === 0) {
        await table.sink.delete(table.path(table.runDir(runId)), true);
        return await recorder.finished({ runId, plan, committed: [], recovered, dryRun: false });
      }
      // The lock expires (it is never renewed): a run that outlived it may have been rolled back by the run that
      // took it over. Its manifest would then name files that are gone and stop every later run in recovery.
      if (!(await table.holdsLock(runId))) throw new LockLostError(runId);
      await writeManifest(table, manifest);
      manifestWritten = true;
      await applyCommit(table, manifest);
      return await recorder.finished({ runId, plan, committed: manifest.ranges, recovered, dryRun: false, badReasons: mergeBadReasons(results.map((r) => r.badReasons)) });
    } catch (error) {
      // Before the manifest the run is abandoned; after it, the next start rolls it forward.
      if (!manifestWritten) await table.sink.delete(table.path(table.runDir(runId)), true).catch(() => undefined);
      await recorder.failed(error);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', stopReading);
      // The run's outcome stands either way; a lock left behind expires, or is taken over once this process is gone.
      await release().catch((error: unknown) => log(`could not release the lock: ${(error as Error).message}`));
    }
  } finally {
    await warm?.release();
    source.close();
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** The schema a run writes with: the job's value schema and its metadata columns, named after its file. */
/** What the run's files carry: the value's reader schema with the job's metadata columns (a framed key decoded). */
function outputSchema(job: JobDefinition, readers: ReaderSchemas): ReaderSchema {
  return { schema: withMetadataColumns(readers.value.schema, job.metadataColumns, readers.key?.schema ?? null), source: readers.value.source };
}

/** A run stopped before it planned anything: nothing was written. */
function givenUp(runId: string): LoadSummary {
  return { runId, plan: [], committed: [], recovered: { rolledBack: [], rolledForward: [] }, dryRun: false };
}
