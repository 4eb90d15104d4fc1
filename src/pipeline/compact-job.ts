// `sluice compact`: the small files of complete hours rewritten into files near the job's target size, swapped in
// under every partition lock (see DESIGN.md, "Compaction").
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSink } from '../connector-factory';
import type { JobDefinition } from '../job/job-definition';
import { mergeAvroFiles, mergeParquetFiles, MergePiece } from '../formats/file-merge';
import type { AvroSchema } from '../formats/record-file-writer';
import { newRunId } from '../table/layout';
import { markerPath } from '../table/completeness';
import { recoverUnfinishedRuns } from '../table/commit';
import { applySwap, commitSwap, committedSwaps, nextSwapSequence, recoverUnfinishedSwaps, swapDir, swapRecordName, swapTmpPath, SwapGroup, SwappedFile, SwapRecord, SwapRecovery } from '../table/file-swap';
import { CompactionGroupPlan, liveFiles, OutputNamer, outputSegments, planCompaction, PlannedOutput, splitOutput } from '../table/compaction-plan';
import { removeStrayFiles } from '../table/strays';
import { jobTable, TableStore } from '../table/table-state';
import { isManyTopicJob } from '../job/job-topics';
import { topicJobsInSink } from '../table/topic-tables';
import { LoadOptions, LoadSummary, LockLostError, runLoad } from './load-job';
import { JobLockedError } from '../table/lock';

/** An hour range as `--hours` takes it: inclusive hour keys ("2026-11-21T00"). */
export interface HourRange {
  from: string;
  to: string;
}

export class HourRangeError extends Error {
  constructor(readonly given: string) {
    super(`--hours ${JSON.stringify(given)}: expected an hour such as 2026-11-21T05, or a range such as 2026-11-21T00..2026-11-21T05`);
    this.name = 'HourRangeError';
  }
}

const HOUR_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

export function parseHourRange(given: string): HourRange {
  const [from, to = from, ...rest] = given.split('..');
  if (rest.length > 0 || !HOUR_KEY.test(from) || !HOUR_KEY.test(to) || from > to) throw new HourRangeError(given);
  return { from, to };
}

export interface CompactOptions {
  hours?: HourRange;
  /** Only hours whose `_SUCCESS` was written at or before this instant (scheduled compaction's `after`). */
  completedBefore?: number;
  log?: (line: string) => void;
  id?: string;
}

export interface CompactedGroup {
  format: 'avro' | 'parquet';
  hour: string;
  filesBefore: number;
  filesAfter: number;
  records: number;
  bytesBefore: number;
  bytesAfter: number;
}

export interface CompactionSummary {
  id: string;
  groups: CompactedGroup[];
  /** Interrupted swaps this one finished or abandoned first. */
  recovered: SwapRecovery;
}

/** A compaction's outputs, numbered across it: visible to Hive, never the name of a loaded file. */
function outputNamer(topic: string, id: string): OutputNamer {
  let next = 0;
  return (dir, format) => `${dir}/${topic}+compacted+${id}+${next++}.${format}`;
}

/** Whether an hour's `_SUCCESS` exists in a format tree (and, with `before`, was written by then). */
function markerCheck(job: JobDefinition, table: TableStore, before: number | undefined) {
  return async (format: string, hour: string): Promise<boolean> => {
    const marker = markerPath(job, hour, format);
    if (before === undefined) return table.exists(marker);
    const body = await table.readJson<{ markedAt?: string }>(marker).catch(() => null);
    return !!body && typeof body.markedAt === 'string' && Date.parse(body.markedAt) <= before;
  };
}

/**
 * Writes a group's rows as one file; when that comes out bigger than the target, it is divided into
 * ceil(bytes / target) files of equal records instead, each at least half the target (so not small next time).
 */
async function writeOutputs(job: JobDefinition, table: TableStore, id: string, plan: CompactionGroupPlan, schema: AvroSchema, staging: string, name: OutputNamer): Promise<SwapGroup> {
  const localOf = new Map<string, string>();
  const local = async (relative: string) => {
    const sinkPath = table.path(relative);
    const direct = table.sink.localPath(sinkPath);
    if (direct) return direct;
    if (!localOf.has(relative)) {
      const copy = path.join(staging, `${localOf.size}.${plan.format}`);
      fs.writeFileSync(copy, await table.sink.readFile(sinkPath));
      localOf.set(relative, copy);
    }
    return localOf.get(relative)!;
  };
  const { parquet } = job.output;
  const writeOne = async (output: PlannedOutput): Promise<SwappedFile> => {
    const pieces: MergePiece[] = [];
    for (const piece of output.pieces) pieces.push({ file: await local(piece.path), fromRow: piece.fromRow, toRow: piece.toRow });
    const target = table.path(swapTmpPath(id, output.path));
    const direct = table.sink.localPath(target);
    const file: string = direct ?? path.join(staging, `out.${plan.format}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const result = plan.format === 'avro'
      ? await mergeAvroFiles(pieces, file, schema, job.output.avroCodec)
      : await mergeParquetFiles(pieces, file, { schema, compression: parquet.codec, timestampUnit: parquet.timestampType === 'int64-millis' ? 'millis' : 'micros', rowGroupRows: parquet.rowGroupSize ?? undefined });
    if (!direct) {
      await table.sink.upload(file, target);
      fs.rmSync(file, { force: true });
    }
    return { path: output.path, records: result.records, bytes: result.bytes, segments: outputSegments(output) };
  };
  const [whole] = plan.outputs;
  let written = [await writeOne(whole)];
  const { targetBytes } = job.compaction;
  if (written[0].bytes > targetBytes && whole.records > 1) {
    const count = Math.ceil(written[0].bytes / targetBytes);
    await table.sink.delete(table.path(swapTmpPath(id, whole.path)), false);
    const dir = whole.path.slice(0, whole.path.lastIndexOf('/'));
    written = [];
    for (const part of splitOutput(whole, count, () => name(dir, plan.format))) written.push(await writeOne(part));
  }
  return {
    format: plan.format, hour: plan.hour, ...(plan.schemaGeneration === undefined ? {} : { schemaGeneration: plan.schemaGeneration }),
    replaced: plan.replaced.map((f) => ({ path: f.path, records: f.records, bytes: f.bytes })), written,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * One compaction of a job's table: every partition with checkpoints locked (a load of any of them finds the
 * lock held, and so does this when a load runs: JobLockedError), interrupted runs and swaps finished, the plan
 * made from the checkpoints and earlier swaps, the new files written under `_sluice/swaps/<id>/tmp/`, then the
 * swap record (the commit) and the moves and deletions.
 */
export async function runCompaction(job: JobDefinition, options: CompactOptions = {}): Promise<CompactionSummary> {
  const log = options.log ?? (() => undefined);
  const id = options.id ?? newRunId();
  if (isManyTopicJob(job)) throw new TypeError(`job ${job.name}: a compaction works on one topic's state; a job of source.topics or source.topicPattern is compacted per topic (compactTopics)`);
  // A table many topics share keeps each topic's checkpoints and swaps in its own namespace.
  const table = jobTable(openSink(job.output.sink), job);
  const summary: CompactionSummary = { id, groups: [], recovered: { finished: [], abandoned: [] } };
  const partitions = await table.checkpointedPartitions();
  if (partitions.length === 0) return summary;
  const release = await table.lock(id, (job.limits.maxDurationSeconds + 300) * 1000, partitions);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-compact-${job.output.table}-`));
  try {
    await removeStrayFiles(table, partitions);
    const runs = await recoverUnfinishedRuns(table, id);
    for (const run of runs.rolledForward) log(`finished the commit of interrupted run ${run}`);
    summary.recovered = await recoverUnfinishedSwaps(table, id, async () => partitions);
    for (const swap of summary.recovered.finished) log(`finished interrupted ${summary.recovered.kinds?.[swap] ?? 'compaction'} ${swap}`);
    for (const swap of summary.recovered.abandoned) log(`rolled back interrupted file swap ${swap} (it had not committed)`);
    const ranges = (await Promise.all(partitions.map((p) => table.checkpoints(p)))).flat();
    const swaps = await committedSwaps(table);
    const live = liveFiles(ranges, swaps);
    const marked = markerCheck(job, table, options.completedBefore);
    const candidates = [...live.values()].filter((f) => !options.hours || (f.hour >= options.hours.from && f.hour <= options.hours.to));
    // Markers are read only for hours that have something to compact (a compacted history has few).
    const complete = new Set<string>();
    for (const group of planCompaction(candidates, () => true, job.compaction.targetBytes, outputNamer(job.source.topic, id))) {
      if (await marked(group.format, group.hour)) complete.add(`${group.format}|${group.hour}`);
    }
    const namer = outputNamer(job.source.topic, id);
    const plans = planCompaction(candidates, (format, hour) => complete.has(`${format}|${hour}`), job.compaction.targetBytes, namer);
    if (plans.length === 0) return summary;
    const history = await table.schemaHistory();
    const groups: SwapGroup[] = [];
    for (const plan of plans) {
      const generation = history.find((g) => g.generation === plan.schemaGeneration) ?? history[history.length - 1];
      if (!generation) throw new Error(`table ${job.output.table} has no schema history (_sluice/schemas/): load it once with this sluice before compacting`);
      groups.push(await writeOutputs(job, table, id, plan, generation.schema, staging, namer));
    }
    const record: SwapRecord = { id, kind: 'compaction', job: job.name, sequence: nextSwapSequence(swaps), createdAt: new Date().toISOString(), partitions, groups };
    if (!(await table.holdsLock(id))) throw new LockLostError(id);
    await commitSwap(table, record);
    await applySwap(table, record);
    summary.groups = groups.map((g) => ({
      format: g.format, hour: g.hour, filesBefore: g.replaced.length, filesAfter: g.written.length,
      records: g.written.reduce((s, f) => s + f.records, 0), bytesBefore: g.replaced.reduce((s, f) => s + f.bytes, 0), bytesAfter: g.written.reduce((s, f) => s + f.bytes, 0),
    }));
    for (const g of summary.groups) log(`compacted ${g.format} hour ${g.hour.replace('T', ' ')}:00: ${plural(g.filesBefore, 'file')} into ${plural(g.filesAfter, 'file')} (${plural(g.records, 'record')})`);
    return summary;
  } catch (error) {
    // Nothing of an uncommitted swap is referenced: its directory goes now (a kill leaves it to the next holder).
    if (!(await table.exists(swapRecordName(id)).catch(() => true))) await table.sink.delete(table.path(swapDir(id)), true).catch(() => undefined);
    throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    await release().catch((error: unknown) => log(`could not release the lock: ${(error as Error).message}`));
  }
}

/**
 * A scheduled run: the load, then, when the job sets `compaction.after`, a compaction of the hours marked
 * complete at least that many hours ago (of each topic's table or namespace, for a many-topic job). The load's outcome stands whatever the compaction does; a compaction
 * that fails or finds a lock held is logged and tried again at the next run.
 */
export async function runLoadThenCompact(job: JobDefinition, options: LoadOptions = {}): Promise<LoadSummary> {
  const summary = await runLoad(job, options);
  const after = job.compaction.after;
  if (after === null || options.signal?.aborted || summary.dryRun) return summary;
  const log = options.log ?? (() => undefined);
  for (const each of await topicJobsInSink(job, openSink(job.output.sink)).catch(() => [job])) {
    if (each.source.topic === '') continue; // a shared table nothing has loaded yet
    const topic = isManyTopicJob(job) ? `topic ${each.source.topic}: ` : '';
    try {
      const compacted = await runCompaction(each, { completedBefore: Date.now() - after * 3_600_000, log });
      if (compacted.groups.length > 0) log(`${topic}compaction ${compacted.id}: ${plural(compacted.groups.length, 'hour directory', 'hour directories')} compacted`);
    } catch (error) {
      log(error instanceof JobLockedError ? `${topic}compaction skipped: ${error.message}` : `${topic}compaction failed: ${(error as Error).message}`);
    }
  }
  return summary;
}
