// The hot loop of a range's load: each fetched record decoded (or taken by the JSON fast path), routed to its
// partition directory's open file, written; bad records to the dead letters. Files that roll are handed back.
import { NativeJsonBatch } from '../formats/native-json-batch';
import type { RecordFileWriter } from '../formats/record-file-writer';
import type { JobDefinition, OutputFormat } from '../job/job-definition';
import type { RecordColumns } from '../ports/record-source';
import type { DecodedRecord } from '../protocol/records';
import { fieldPrefixOf } from '../table/partition-template';
import type { TimePartitioner } from '../table/time-partitions';
import { BadRecordError } from './bad-record';
import type { BadRecordTally } from './bad-record-tally';
import type { DeadLetterSpool } from './dead-letter-spool';
import type { FastJsonPath } from './fast-json-path';
import type { DecodedValue } from './record-decoder';

export interface OpenFile {
  writer: RecordFileWriter;
  finalPath: string;
  localPath: string;
  staged: boolean;
  records: number;
  bytes: number;
  seq: number;
  hour: string;
  format: OutputFormat;
  /** The earliest and latest event times written, for files.maxAge. */
  minEventTime: number;
  maxEventTime: number;
}

/** What the loop reads of the range's context (a subset of RangeLoadContext). */
export interface RecordRouting {
  job: JobDefinition;
  decode: (record: DecodedRecord, partition: number) => DecodedValue;
  partitioner: TimePartitioner;
  eventTimeWindow?: { from: number; to: number };
  onlyHours?: ReadonlySet<string>;
}

/** Whether one more record at `eventTime` would make the file's event times span more than `maxAgeMs` (in record time, so a rerun rolls the same way). */
function exceedsMaxAge(file: OpenFile, eventTime: number, maxAgeMs: number | null): boolean {
  if (maxAgeMs === null || file.records === 0) return false;
  return Math.max(file.maxEventTime, eventTime) - Math.min(file.minEventTime, eventTime) > maxAgeMs;
}

/**
 * One per range. The loop is a synchronous method, outside the async function that awaits a roll's close: the same
 * loop inside that async closure cost the load 5-7% more CPU (medians of alternated 1M-record loads, BENCHMARKS.md).
 */
export class RangeRecordWriter {
  records = 0;
  badRecords = 0;
  skippedOffsets = 0;
  maxEventTime: number | undefined = undefined;
  /** Files taken out of use by a roll, to be closed before writing goes on. */
  readonly rolled: OpenFile[] = [];
  /** By partition directory (`country=US/dt=2026-11-21/hr=05`). */
  private readonly openByDirectory = new Map<string, Map<OutputFormat, OpenFile>>();
  private readonly byField: boolean;
  /** The native scan of whole runs of a batch, ahead of the JS fast path: for one output format, time partitioning. */
  private readonly native: NativeJsonBatch | null;

  constructor(
    private readonly routing: RecordRouting,
    private readonly partition: number,
    private readonly fast: FastJsonPath | null,
    private readonly openFile: (directory: string, hourKey: string, format: OutputFormat) => OpenFile,
    private readonly deadLetters: DeadLetterSpool,
    private readonly badReasons: BadRecordTally,
  ) {
    this.byField = routing.job.output.partitioning.segments[0].kind === 'field';
    const { formats } = routing.job.output;
    this.native = fast && !this.byField && formats.length === 1 ? NativeJsonBatch.create(fast.schema, formats[0] === 'avro' ? 'avro' : 'ndjson') : null;
  }

  /** The files open for writing, which are then forgotten. */
  takeOpen(): OpenFile[] {
    const open = [...this.openByDirectory.values()].flatMap((files) => [...files.values()]);
    this.openByDirectory.clear();
    return open;
  }

  /**
   * Writes the batch's records from `from` on and returns where it stopped: after a record whose writing rolled a
   * file (in `rolled`), or at the batch's end. Synchronous, so that the awaits of a roll are not inside the loop.
   */
  write(batch: RecordColumns, from: number, now: number): number {
    const { routing, fast, native } = this;
    const { job } = routing;
    for (let i = from; i < batch.length; i++) {
      // The native scan, then the JS fast path, take the values they can vouch for; the others, good or bad, are
      // decoded one by one.
      const encodedEnd = native ? native.accept(batch, i, this.partition) : -1;
      const row = encodedEnd < 0 && fast ? fast.accept(batch, i, this.partition) : null;
      let decoded: DecodedValue | null = null;
      if (encodedEnd < 0 && !row) {
        decoded = this.decode(batch, i);
        if (!decoded) continue;
      }
      const eventTime = encodedEnd >= 0 ? native!.eventTime : decoded ? decoded.eventTime : fast!.eventTime;
      const eventWindow = routing.eventTimeWindow;
      if (eventWindow && !(eventTime >= eventWindow.from && eventTime < eventWindow.to)) {
        this.skippedOffsets++;
        continue;
      }
      const hour = routing.partitioner.partitionOf(eventTime);
      if (routing.onlyHours && !routing.onlyHours.has(hour.key)) {
        this.skippedOffsets++;
        continue;
      }
      this.records++;
      // The watermark's evidence: a record stamped later than now (a clock ahead) says nothing about how far the
      // partition has got, and counted it would let hours still waiting in Kafka be marked complete.
      if (eventTime <= now && (this.maxEventTime === undefined || eventTime > this.maxEventTime)) this.maxEventTime = eventTime;
      const directory = this.byField ? fieldPrefixOf(job.output.partitioning, decoded ? decoded.record : fast!.partitionFields()) + hour.path : hour.path;
      const size = batch.valueLength(i);
      let forDirectory = this.openByDirectory.get(directory);
      if (!forDirectory) this.openByDirectory.set(directory, (forDirectory = new Map()));
      for (const format of job.output.formats) {
        let file = forDirectory.get(format);
        if (file && (file.records >= job.files.maxRecords || file.bytes + size > job.files.maxBytes || exceedsMaxAge(file, eventTime, job.files.maxAgeMs))) {
          forDirectory.delete(format);
          this.rolled.push(file);
          file = undefined;
        }
        if (!file) forDirectory.set(format, (file = this.openFile(directory, hour.key, format)));
        if (encodedEnd >= 0) file.writer.writeEncoded!(native!.out, native!.start, encodedEnd);
        else if (decoded) file.writer.write(decoded.record);
        else file.writer.writeScanned!(row!);
        file.records++;
        file.bytes += size;
        file.minEventTime = Math.min(file.minEventTime, eventTime);
        file.maxEventTime = Math.max(file.maxEventTime, eventTime);
      }
      if (this.rolled.length > 0) return i + 1;
    }
    return batch.length;
  }

  /** Record `i` decoded by the per-record path, or null when it is bad (then it is a dead letter). */
  private decode(batch: RecordColumns, i: number): DecodedValue | null {
    const kafkaRecord = batch.record(i);
    try {
      return this.routing.decode(kafkaRecord, this.partition);
    } catch (error) {
      if (!(error instanceof BadRecordError)) throw error;
      this.badReasons.add(error.reason, { partition: this.partition, offset: kafkaRecord.offset });
      this.badRecords++;
      this.deadLetters.add({
        topic: this.routing.job.source.topic, partition: this.partition, offset: kafkaRecord.offset, timestamp: kafkaRecord.timestamp,
        error: error.message, reason: error.reason, key: kafkaRecord.key?.toString('base64') ?? null, value: kafkaRecord.value?.toString('base64') ?? null,
      });
      return null;
    }
  }
}
