// `sluice reload`: an hour's files derived again from Kafka, byte for byte as the load wrote them, and swapped in
// (a file swap of kind 'reload', file-swap.ts) for whatever the hour holds now: the loaded files or a compaction's.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSchemaRegistry, openSink } from '../connector-factory';
import { withMetadataColumns } from '../formats/avro-schema';
import type { JobDefinition } from '../job/job-definition';
import { ReaderSchemas, resolveReaderSchemas } from '../job/reader-schemas';
import { registryReaders } from '../job/registry-access';
import { recoverUnfinishedRuns } from '../table/commit';
import { newRunId } from '../table/layout';
import type { CommittedFile, RangeCheckpoint } from '../table/records';
import { filesToReplace, ReloadTableState, ReloadedFile, recoverReloads, reloadSwapGroups } from '../table/reload-swap';
import { applySwap, commitSwap, committedSwaps, nextSwapSequence, recoverUnfinishedSwaps, swapDir, swapRecordName, SwapRecord } from '../table/file-swap';
import { liveFiles } from '../table/compaction-plan';
import { RunHistoryEntry, appendRunHistory } from '../table/run-history';
import { canonicalJson } from '../table/schema-evolution';
import { removeStrayFiles } from '../table/strays';
import { openJobSource, rangeLoadContext } from './range-context';
import { loadRange, RangeLoadContext } from './range-loader';

/** Hour keys as checkpoints write them (`2026-11-21T05`), both ends included. */
export interface HourSpan {
  from: string;
  to: string;
}

export interface ReloadRequest {
  hours: HourSpan;
  /** Only these partitions; every partition with files in the hours by default. */
  partitions?: number[];
}

export interface ReloadedRange {
  partition: number;
  start: number;
  end: number;
  /** Records of the reloaded hours in the range. */
  records: number;
  files: CommittedFile[];
}

export interface ReloadSummary {
  runId: string;
  job: string;
  table: string;
  hours: string[];
  ranges: ReloadedRange[];
  files: number;
  records: number;
  bytes: number;
}

export class ReloadError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ReloadError';
  }
}

export interface MissingOffsets {
  partition: number;
  start: number;
  end: number;
  hours: string[];
  logStart: number;
  logEnd: number;
}

/** The table (or, for a table many topics share, the topic's part of it) has no committed file in the hours. */
export class NothingToReloadError extends ReloadError {
  constructor(detail: string) {
    super(detail);
    this.name = 'NothingToReloadError';
  }
}

/** The hours' records are no longer all in Kafka (retention, DeleteRecords): nothing was changed. */
export class ReloadOffsetsGoneError extends ReloadError {
  constructor(readonly missing: MissingOffsets[]) {
    super(`cannot reload: ${missing.map((m) => `partition ${m.partition} needs offsets ${m.start}..${m.end - 1} (hours ${m.hours.join(', ')}) but the log holds ${m.logStart}..${m.logEnd - 1}`).join('; ')}: the records were deleted (retention or DeleteRecords). Nothing was changed`);
    this.name = 'ReloadOffsetsGoneError';
  }
}

const HOUR_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

/** `2026-11-21T05` or `2026-11-21T05..2026-11-21T07` (both ends included). */
export function parseHourSpan(text: string): HourSpan {
  const [from, to = from, ...rest] = text.split('..');
  for (const hour of [from, to]) {
    if (rest.length > 0 || !HOUR_KEY.test(hour)) throw new ReloadError(`--hours: ${JSON.stringify(text)} is not an hour (2026-11-21T05) or a range of hours (2026-11-21T05..2026-11-21T07), in the job's time zone`);
  }
  if (from > to) throw new ReloadError(`--hours: ${from} is after ${to}`);
  return { from, to };
}

const inSpan = (span: HourSpan, hour: string | null): hour is string => hour !== null && hour >= span.from && hour <= span.to;
const dataFilesIn = (range: RangeCheckpoint, span: HourSpan) => range.files.filter((f) => f.format !== 'dead-letter' && inSpan(span, f.hour)).sort((a, b) => a.path.localeCompare(b.path));

/** File names carry the range as planned (`topic+p+start+end+seq.ext`), which a deadline may have cut short: read to the checkpoint's end, name as the plan did. */
function plannedRange(range: RangeCheckpoint, files: CommittedFile[]): { partition: number; start: number; end: number } {
  const named = files.map((f) => /\+(\d+)\+(\d+)\+\d+\.(?:avro|parquet)$/.exec(f.path)).find((m) => m !== null);
  return { partition: range.partition, start: range.start, end: named && Number(named[1]) === range.start ? Number(named[2]) : range.end };
}

async function rangesWithFiles(table: ReloadTableState, partitions: number[], span: HourSpan): Promise<RangeCheckpoint[]> {
  const all = await Promise.all(partitions.map((p) => table.checkpoints(p)));
  return all.flat().filter((range) => dataFilesIn(range, span).length > 0);
}

function missingOffsets(ranges: RangeCheckpoint[], offsets: Map<number, { earliest: number; latest: number }>, span: HourSpan): MissingOffsets[] {
  return ranges.filter((r) => r.start < offsets.get(r.partition)!.earliest || r.end > offsets.get(r.partition)!.latest).map((r) => ({
    partition: r.partition, start: r.start, end: r.end, hours: [...new Set(dataFilesIn(r, span).map((f) => f.hour!))].sort(),
    logStart: offsets.get(r.partition)!.earliest, logEnd: offsets.get(r.partition)!.latest,
  }));
}

const describeFiles = (files: CommittedFile[]) => files.map((f) => `${f.path} (${f.records} records, ${f.bytes} bytes)`).join(', ') || 'none';

/**
 * Re-reads every committed range that wrote files into the hours, keeps those hours' records, writes the files again
 * under their recorded names, and swaps them in; checkpoints stay as they are. Refuses, changing nothing, when the
 * offsets are gone from Kafka or when what it writes differs from what the checkpoints record (other job settings).
 */
export async function runReload(job: JobDefinition, request: ReloadRequest, options: { log?: (line: string) => void } = {}): Promise<ReloadSummary> {
  const log = options.log ?? (() => undefined);
  const span = request.hours;
  // A table many topics share keeps each topic's checkpoints, locks and reload swaps in the topic's namespace.
  const table = new ReloadTableState(openSink(job.output.sink), job.output.table, job.output.stateNamespace ?? null);
  const runId = newRunId();
  const registryFor = registryReaders(openSchemaRegistry);
  const readerSchemas = await resolveReaderSchemas(job, registryFor);
  const candidates = await rangesWithFiles(table, request.partitions ?? (await table.checkpointedPartitions()), span);
  const partitions = [...new Set(candidates.map((r) => r.partition))].sort((a, b) => a - b);
  if (partitions.length === 0) throw new NothingToReloadError(`table ${job.output.table}${job.output.stateNamespace ? ` (topic ${job.source.topic})` : ''} has no committed file in hours ${span.from}..${span.to}${request.partitions ? ` of partitions ${request.partitions.join(', ')}` : ''}: nothing to reload`);
  const source = await openJobSource(job);
  const stagingDir = fs.mkdtempSync(path.join(os.tmpdir(), `sluice-reload-${job.output.table}-`));
  const started = new Date();
  let release: (() => Promise<void>) | undefined;
  let results: ReloadedRange[] = [];
  try {
    release = await table.lock(runId, (job.limits.maxDurationSeconds + 300) * 1000, partitions);
    await removeStrayFiles(table, partitions);
    const recovered = await recoverUnfinishedRuns(table, runId);
    for (const id of recovered.rolledForward) log(`finished the commit of interrupted run ${id}`);
    for (const id of (await recoverReloads(table)).finished) log(`finished the file swap of interrupted reload ${id}`);
    const swapsRecovered = await recoverUnfinishedSwaps(table, runId, () => table.checkpointedPartitions());
    for (const id of swapsRecovered.finished) log(`finished interrupted ${swapsRecovered.kinds?.[id] ?? 'compaction'} ${id}`);
    for (const id of swapsRecovered.abandoned) log(`rolled back interrupted file swap ${id} (it had not committed)`);
    // Read again under the locks: a load may have committed into the hours meanwhile.
    const ranges = await rangesWithFiles(table, partitions, span);
    const gone = missingOffsets(ranges, await source.offsetRanges(partitions), span);
    if (gone.length > 0) throw new ReloadOffsetsGoneError(gone);
    const hours = new Set(ranges.flatMap((r) => dataFilesIn(r, span).map((f) => f.hour!)));
    // What the hours hold now (loaded files, or the outputs of a compaction) is what the reloaded files replace.
    const allRanges = (await Promise.all((await table.checkpointedPartitions()).map((p) => table.checkpoints(p)))).flat();
    const swaps = await committedSwaps(table);
    const replaced = filesToReplace(runId, liveFiles(allRanges, swaps).values(), partitions, hours);
    const outputSchema = await recordedSchema(table, job, readerSchemas, ranges);
    const deadline = Date.now() + job.limits.maxDurationSeconds * 1000;
    const context = { ...rangeLoadContext({ job, table, runId, source, stagingDir, deadline, onlyHours: hours }, readerSchemas, registryFor), ...(outputSchema ? { outputSchema } : {}) };
    results = [];
    for (const range of ranges) results.push(await reloadRange(context, range, span));
    const reloaded: ReloadedFile[] = results.flatMap((r) => r.files.map((file) => ({ range: ranges.find((c) => c.partition === r.partition && c.start === r.start)!, file })));
    const groups = reloadSwapGroups(runId, replaced, reloaded);
    const files = groups.flatMap((g) => g.written);
    if (!(await table.holdsLock(runId))) throw new ReloadError(`reload ${runId} no longer holds the lock of every partition it reads (one expired and another run took it): nothing was changed`);
    const record: SwapRecord = { id: runId, kind: 'reload', job: job.name, sequence: nextSwapSequence(swaps), createdAt: new Date().toISOString(), partitions, groups };
    await commitSwap(table, record);
    await applySwap(table, record);
    const summary: ReloadSummary = {
      runId, job: job.name, table: table.describe(), hours: [...hours].sort(), ranges: results,
      files: files.length, records: results.reduce((s, r) => s + r.records, 0), bytes: files.reduce((s, f) => s + f.bytes, 0),
    };
    await recordInHistory(table, historyEntry(job, runId, started, 'committed', results, summary.hours), log);
    return summary;
  } catch (error) {
    if (!release) throw error; // refused by the lock: nothing of the reload exists
    // Once its record is written the swap goes forward: the next run holding its locks finishes it.
    if (!(await table.exists(swapRecordName(runId)).catch(() => true))) await table.sink.delete(table.path(swapDir(runId)), true).catch(() => undefined);
    await recordInHistory(table, { ...historyEntry(job, runId, started, 'failed', results, []), error: (error as Error).message }, log);
    throw error;
  } finally {
    await release?.().catch((error: unknown) => log(`could not release the lock: ${(error as Error).message}`));
    source.close();
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

/**
 * The schema the ranges' files carry (their generation's, byte for byte), provided it is the job's output schema
 * now: the records are decoded with the job's schema, so another one could not give the files that were written.
 */
async function recordedSchema(table: ReloadTableState, job: JobDefinition, readers: ReaderSchemas, ranges: RangeCheckpoint[]) {
  const current = withMetadataColumns(readers.value.schema, job.metadataColumns, readers.key?.schema ?? null);
  const history = await table.schemaHistory();
  const generations = [...new Set(ranges.map((r) => r.schemaGeneration).filter((g): g is number => g !== undefined))];
  if (generations.length === 0) return null; // a table from before the schema history: the job's schema
  for (const number of generations) {
    const generation = history.find((g) => g.generation === number);
    if (!generation) throw new ReloadError(`the hours were written with schema generation ${number}, which ${table.describe()}/_sluice/schemas/ does not hold`);
    if (canonicalJson(generation.schema) !== canonicalJson(current)) {
      throw new ReloadError(`the hours were written with schema generation ${number}, and the job's schema (${readers.value.source}) is another: a reload writes the files as they were, with the schema they were written with. Nothing was changed`);
    }
  }
  return history.find((g) => g.generation === generations[0])!.schema;
}

async function reloadRange(context: RangeLoadContext, range: RangeCheckpoint, span: HourSpan): Promise<ReloadedRange> {
  const recorded = dataFilesIn(range, span);
  const result = await loadRange(context, plannedRange(range, recorded), range.end);
  const written = [...result.files].sort((a, b) => a.path.localeCompare(b.path));
  if (result.end < range.end) throw new ReloadError(`partition ${range.partition}: re-reading offsets ${range.start}..${range.end - 1} stopped at ${result.end} (the job's limits.maxDurationSeconds): nothing was changed`);
  const same = written.length === recorded.length && written.every((f, i) => f.path === recorded[i].path && f.records === recorded[i].records && f.bytes === recorded[i].bytes);
  if (!same) {
    throw new ReloadError(`partition ${range.partition} range ${range.start}..${range.end}: re-reading wrote ${describeFiles(written)}, but the checkpoint records ${describeFiles(recorded)}. ` +
      'The job\'s output settings (formats, codecs, files.*, time zone) or the records differ from the load\'s; nothing was changed');
  }
  return { partition: range.partition, start: range.start, end: range.end, records: result.records, files: written };
}

function historyEntry(job: JobDefinition, runId: string, started: Date, status: 'committed' | 'failed', ranges: ReloadedRange[], hours: string[]): RunHistoryEntry {
  const files = ranges.flatMap((r) => r.files);
  return {
    runId, job: job.name, kind: 'reload', host: os.hostname(), pid: process.pid, start: started.toISOString(), end: new Date().toISOString(), status,
    ranges: ranges.map((r) => ({ partition: r.partition, start: r.start, end: r.end, records: r.records, badRecords: 0 })),
    records: ranges.reduce((s, r) => s + r.records, 0), badRecords: 0,
    files: status === 'committed' ? files.length : 0, bytes: status === 'committed' ? files.reduce((s, f) => s + f.bytes, 0) : 0,
    hoursWritten: hours, reopenedHours: [],
  };
}

async function recordInHistory(table: ReloadTableState, entry: RunHistoryEntry, log: (line: string) => void): Promise<void> {
  try {
    await appendRunHistory(table, [entry]);
  } catch (error) {
    log(`could not append to the run history: ${(error as Error).message}`);
  }
}
