import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AvroSchema } from '../formats/record-file-writer';
import { createFileWriter } from './file-writers';
import type { RecordSource, UndecodableBatch } from '../ports/record-source';
import type { JobDefinition, OutputFormat } from '../job/job-definition';
import { dataFilePathIn, deadLetterPath } from '../table/layout';
import type { TimePartitioner } from '../table/time-partitions';
import { BadReasonGroup, BadRecordTally } from './bad-record-tally';
import { reasonOf } from '../table/dead-letters';
import type { DecodedValue } from './record-decoder';
import type { FlatJsonSchema } from '../formats/flat-json-schema';
import { FastJsonPath } from './fast-json-path';
import { OpenFile, RangeRecordWriter } from './range-record-writer';
import { DeadLetterSpool } from './dead-letter-spool';
import type { DecodedRecord } from '../protocol/records';
import type { ReadProgress, RecordColumns } from '../ports/record-source';
import type { CommittedFile, PlannedRange, RangeCheckpoint, TableStore } from '../table/table-state';

export interface RangeLoadContext {
  job: JobDefinition;
  table: TableStore;
  runId: string;
  source: RecordSource;
  outputSchema: AvroSchema;
  decode: (record: DecodedRecord, partition: number) => DecodedValue;
  /** Fetches what a batch's records need before `decode` (the writer schemas of Confluent-framed Avro). */
  prepare?: (batch: RecordColumns) => Promise<void>;
  /** The time partition of an event time; `output.partitioning`'s fields add the directories above it. */
  partitioner: TimePartitioner;
  /** Where files for a remote sink are written before upload. */
  stagingDir: string;
  /** The job's duration limit: reading stops here and the range ends where it got to. */
  deadline: number;
  /** Stopping the run ends reading the same way the deadline does. */
  signal?: AbortSignal;
  /** How long past the deadline a range that has read nothing still waits for its first fetch; default 30 s. */
  firstFetchGraceMs?: number;
  onProgress?: (records: number) => void;
  /** Only records whose event time is in [from, to) are written (an event-time backfill); the others count as skipped offsets. */
  eventTimeWindow?: EventTimeWindow;
  /** Only records of these hours (`2026-11-21T05`) are written, and no dead letters (a reload); the others count as skipped. */
  onlyHours?: ReadonlySet<string>;
  /** JSON values of this flat schema take the fast path (scanned, written from their bytes); null: every record is decoded. */
  fastJson?: FlatJsonSchema | null;
  /**
   * With it, a closed file is finished behind the reading (closed in the queue's turn, then uploaded), at most
   * MAX_FINISHING of the range's at once; without it, each is finished before reading goes on.
   */
  closeQueue?: CloseQueue;
  /** Called once reading has ended well, while the range's last files may still be finishing: a worker may start its next range. */
  onReadingDone?: () => void;
}

export interface EventTimeWindow {
  from: number;
  to: number;
}

/** Kafka's default request.timeout.ms: a first fetch slower than that is hung, not late. */
const DEFAULT_FIRST_FETCH_GRACE_MS = 30_000;

export interface RangeLoadResult extends Omit<RangeCheckpoint, 'committedAt'> {
  /** The range's bad records by reason, with samples: what a failing run's error and a run's summary say. */
  badReasons: BadReasonGroup[];
}

/** Runs each close after the ones handed to it before have ended. */
export type CloseQueue = <T>(close: () => Promise<T>) => Promise<T>;

/**
 * A thread's queue of file closes (a worker's): its Parquet COPYs one at a time, as each has the thread's whole
 * DuckDB memory (COPYs at once ran a worker's DuckDB out of its 96 MB). Uploads are not in it.
 */
export function closesInTurn(): CloseQueue {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(close: () => Promise<T>): Promise<T> => {
    const turn = last.then(close, close);
    last = turn.catch(() => undefined);
    return turn;
  };
}

/** Files of a range being finished behind its reading at most: each holds its open writer (descriptor, buffers) until its turn. */
const MAX_FINISHING = 2;

/** Waits for every promise to settle, then throws the first failure. */
async function allSettledOrThrow(promises: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/**
 * Reads one partition's planned range and writes its temporary files; nothing is final until the run commits.
 * `readTo` ends reading before the plan's end while files keep the plan's names (a reload of a range a deadline cut).
 */
export async function loadRange(ctx: RangeLoadContext, planned: PlannedRange, readTo = planned.end): Promise<RangeLoadResult> {
  const { job, table, runId } = ctx;
  let range = planned; // file names follow the plan; `range` shrinks if the deadline stops reading early
  const nextSeq = new Map<string, number>();
  const files: CommittedFile[] = [];
  const deadLetters = new DeadLetterSpool(path.join(ctx.stagingDir, `dead-letters-${planned.partition}-${planned.start}-${planned.end}.jsonl`));
  const badReasons = new BadRecordTally();

  const openFile = (directory: string, hourKey: string, format: OutputFormat): OpenFile => {
    const seqKey = `${directory}|${format}`;
    const seq = nextSeq.get(seqKey) ?? 0;
    nextSeq.set(seqKey, seq + 1);
    const finalPath = dataFilePathIn(job.output.formats, directory, job.source.topic, planned, seq, format);
    const tmp = table.path(table.tmpPath(runId, finalPath));
    const direct = table.sink.localPath(tmp);
    const localPath = direct ?? path.join(ctx.stagingDir, tmp);
    fs.mkdirSync(path.dirname(localPath), { recursive: true });
    const writer = createFileWriter(format, localPath, ctx.outputSchema, job, finalPath, fast !== null);
    return { writer, finalPath, localPath, staged: direct === null, records: 0, bytes: 0, seq, hour: hourKey, format, minEventTime: Infinity, maxEventTime: -Infinity };
  };

  /** Files being finished behind the reading (written out, made durable, uploaded): all of them, and those not yet settled. */
  const finishingFiles: Promise<void>[] = [];
  const unsettled: Promise<void>[] = [];
  let finishFailure: { error: unknown } | undefined;
  /** Set when the range fails: files whose turn has not come are aborted, not written. */
  let abandoned = false;
  const finish = async (file: OpenFile): Promise<void> => {
    const close = async () => {
      if (!abandoned) return file.writer.close();
      await file.writer.abort();
      throw new Error(`${file.finalPath}: not written, the range failed`);
    };
    const written = ctx.closeQueue ? await ctx.closeQueue(close) : await close();
    if (file.staged) {
      await table.sink.upload(file.localPath, table.path(table.tmpPath(runId, file.finalPath)));
      fs.rmSync(file.localPath, { force: true });
    }
    files.push({ path: file.finalPath, format: file.format, hour: file.hour, records: written.records, bytes: written.bytes });
  };
  /** With `roomForMore`, waits until at most MAX_FINISHING of the range's files are still finishing. */
  const closeFile = async (file: OpenFile, roomForMore: boolean): Promise<void> => {
    if (!ctx.closeQueue) return finish(file);
    const finished = finish(file);
    finishingFiles.push(finished);
    unsettled.push(finished);
    const settle = () => void unsettled.splice(unsettled.indexOf(finished), 1);
    // Awaited when the range ends; a failure before then ends reading at the next fetch.
    finished.then(settle, (error: unknown) => {
      finishFailure ??= { error };
      settle();
    });
    while (roomForMore && unsettled.length > MAX_FINISHING) await Promise.allSettled([unsettled[0]]);
  };

  const fast = ctx.fastJson ? new FastJsonPath(ctx.fastJson, job.output.partitioning) : null;
  const writer = new RangeRecordWriter(ctx, planned.partition, fast, openFile, deadLetters, badReasons);
  let batchesRead = 0;
  const onRecords = async (batch: RecordColumns, progress: ReadProgress) => {
    if (finishFailure) throw finishFailure.error;
    batchesRead++;
    writer.skippedOffsets += progress.skippedOffsets;
    ctx.onProgress?.(batch.length);
    if (ctx.prepare) await ctx.prepare(batch);
    const now = Date.now();
    for (let i = 0; i < batch.length;) {
      i = writer.write(batch, i, now);
      for (const file of writer.rolled.splice(0)) await closeFile(file, true);
    }
  };

  // A batch the source cannot decode is one dead letter holding its raw bytes; each offset it covers is a bad record.
  const onUndecodable = (batch: UndecodableBatch) => {
    batchesRead++;
    const covered = batch.lastOffset - batch.firstOffset + 1;
    const reason = reasonOf(batch.reason);
    badReasons.add(reason, { partition: range.partition, offset: batch.firstOffset, lastOffset: batch.lastOffset }, covered);
    writer.badRecords += covered;
    deadLetters.add({
      topic: job.source.topic, partition: range.partition, offset: batch.firstOffset, lastOffset: batch.lastOffset, records: covered,
      timestamp: batch.timestamp, error: batch.reason, reason, batchBaseOffset: batch.batchBaseOffset, batchLastOffset: batch.batchLastOffset,
      batch: batch.bytes.toString('base64'),
    });
  };

  // The duration limit ends a range only once it has read a first fetch, so that a run whose clock ran out before
  // its reader was up (worker threads starting on a loaded machine) still makes progress; Camus likewise reads a
  // minimum of records from each partition past its pull time. Past the deadline a fetch in flight is dropped (a
  // hung fetch cannot hold the run), and a first fetch is waited for only up to the grace. Stopping ends reading at once.
  const reading = new AbortController();
  const stopReading = () => reading.abort();
  if (ctx.signal?.aborted) reading.abort();
  ctx.signal?.addEventListener('abort', stopReading, { once: true });
  let graceTimer: NodeJS.Timeout | undefined;
  const deadlineTimer = setTimeout(() => {
    if (batchesRead > 0) stopReading();
    else graceTimer = setTimeout(stopReading, ctx.firstFetchGraceMs ?? DEFAULT_FIRST_FETCH_GRACE_MS);
  }, Math.max(0, ctx.deadline - Date.now()));
  try {
    const stop = () => reading.signal.aborted || (batchesRead > 0 && Date.now() >= ctx.deadline);
    const reached = await ctx.source.read(range.partition, range.start, readTo, onRecords, stop, { onUndecodable, signal: reading.signal });
    range = { ...range, end: reached };
    for (const file of writer.takeOpen()) await closeFile(file, false);
    ctx.onReadingDone?.();
    await allSettledOrThrow(finishingFiles);
    if (!deadLetters.empty && !ctx.onlyHours) {
      const finalPath = deadLetterPath(job.source.topic, planned);
      const target = table.path(table.tmpPath(runId, finalPath));
      const bytes = await deadLetters.finish((body) => table.sink.writeFile(target, body), (localFile) => table.sink.upload(localFile, target));
      files.push({ path: finalPath, format: 'dead-letter', hour: null, records: writer.badRecords, bytes });
    } else {
      deadLetters.discard();
    }
  } catch (error) {
    abandoned = true;
    for (const file of [...writer.takeOpen(), ...writer.rolled.splice(0)]) await file.writer.abort().catch(() => undefined);
    await Promise.allSettled(finishingFiles);
    deadLetters.discard();
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
    clearTimeout(graceTimer);
    ctx.signal?.removeEventListener('abort', stopReading);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const { records, badRecords, skippedOffsets, maxEventTime } = writer;
  return { ...range, runId, records, badRecords, skippedOffsets, files, badReasons: badReasons.list(), ...(maxEventTime === undefined ? {} : { maxEventTime }) };
}
