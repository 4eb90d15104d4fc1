import type { JobDefinition } from '../job/job-definition';
import type { CommittedFile, RangeCheckpoint } from './records';
import type { TableReader } from './table';
import { avroWriterSchema, countAvroRecords, countDeadLetters, countParquetRows } from '../formats/file-counts';
import { canonicalJson } from './schema-evolution';
import { plural } from '../common/plural';
import type { SchemaGeneration } from './schema-history';
import { RetentionGap, describeOffsets, partitionGaps } from './gaps';
import { committedSwaps, swapTmpPath, unfinishedSwaps } from './file-swap';
import { liveFiles } from './compaction-plan';

export interface PartitionCoverage {
  partition: number;
  firstOffset: number;
  committedOffset: number;
  ranges: number;
  records: number;
  badRecords: number;
  /** Offsets with no record to load (transaction markers, aborted records), counted by the loads. */
  skippedOffsets: number;
  /** Offsets deleted by retention before they were loaded (`lost` checkpoints). */
  lostOffsets: number;
}

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  partitions: PartitionCoverage[];
  /** Records per hour ("2026-11-21T05"), counted in the job's first output format. */
  hours: Map<string, number>;
  /** Schema generations in the table's history (0 for a table written before it existed). */
  schemaGenerations: number;
  /** Offsets lost to retention and holes between checkpoints; each one not acknowledged (`sluice ack-gap`) is a problem. */
  gaps: RetentionGap[];
}

/** What verify says of a gap nobody acknowledged, with the command that would. */
function gapProblem(job: JobDefinition, gap: RetentionGap, topic: string | undefined): string {
  const what = gap.lost
    ? `offsets ${describeOffsets(gap)} (${gap.count}) were deleted by retention before they were loaded (seen ${gap.lost.seenAt})`
    : `gap, offsets ${describeOffsets(gap)} were never loaded`;
  return `partition ${gap.partition}: ${what}, not acknowledged; if they are gone for good: sluice ack-gap --job ${job.file}${topic === undefined ? '' : ` --topic ${topic}`} --partition ${gap.partition} --offsets ${describeOffsets(gap)}`;
}

/** Its records; for an Avro file of a range that names its schema generation, also that the header holds that schema. */
async function countRecords(table: TableReader, file: CommittedFile, generation: SchemaGeneration | undefined, problems: string[], label: string): Promise<number> {
  const bytes = await table.sink.readFile(table.path(file.path));
  if (file.format === 'avro') {
    if (generation && canonicalJson(avroWriterSchema(bytes)) !== canonicalJson(generation.schema)) {
      problems.push(`${label}: ${file.path} was written with another schema than generation ${generation.generation}, which its checkpoint names`);
    }
    return countAvroRecords(bytes);
  }
  if (file.format === 'parquet') return countParquetRows(bytes);
  return countDeadLetters(bytes);
}

/** A file as recorded: present, of its recorded size, holding its recorded records (and an Avro file its generation's schema). */
async function checkFile(table: TableReader, file: CommittedFile, generation: SchemaGeneration | undefined, problems: string[], label: string): Promise<boolean> {
  const status = await table.sink.status(table.path(file.path));
  if (!status) {
    problems.push(`${label}: ${file.path} is missing`);
    return false;
  }
  if (status.length !== file.bytes) problems.push(`${label}: ${file.path} has ${status.length} bytes, ${file.bytes} recorded`);
  const counted = await countRecords(table, file, generation, problems, label).catch((error: Error) => {
    problems.push(`${label}: ${file.path} cannot be read: ${error.message.split('\n')[0]}`);
    return file.records;
  });
  if (counted !== file.records) problems.push(`${label}: ${file.path} holds ${plural(counted, 'record')}, ${file.records} recorded`);
  return true;
}

/**
 * Checks that committed ranges tile each partition with no gap or overlap, that
 * every recorded file exists with its recorded size and record count, and that
 * each range's records add up in every format. Reads every checkpoint, never the index: this is the check of both.
 */
export async function verifyTable(job: JobDefinition, table: TableReader, options: { ofManyTopics?: boolean } = {}): Promise<VerifyReport> {
  // The ack-gap command a problem names: a topic of a many-topic job is named with --topic.
  const ackTopic = options.ofManyTopics ? job.source.topic : undefined;
  const problems: string[] = [];
  const partitions: PartitionCoverage[] = [];
  const hours = new Map<string, number>();
  const countedFormat = job.output.formats[0];
  const history = await table.schemaHistory();
  const generations = new Map(history.map((g) => [g.generation, g]));
  const acks = await table.gapAcknowledgements();
  const gaps: RetentionGap[] = [];
  const byPartition = new Map<number, RangeCheckpoint[]>();
  for (const partition of await table.checkpointedPartitions()) byPartition.set(partition, await table.checkpoints(partition));
  const swaps = await committedSwaps(table);
  const live = liveFiles([...byPartition.values()].flat(), swaps, problems);
  const unfinished = new Set((await unfinishedSwaps(table, swaps)).map((swap) => swap.id));
  const kindOf = new Map(swaps.map((swap) => [swap.id, swap.kind]));
  for (const id of unfinished) problems.push(`${kindOf.get(id)} ${id} was interrupted after its commit: the next sluice load, compact or reload of the table finishes it`);
  // Files a compaction replaced are accounted for by it (liveFiles checks the records add up); its files are checked below.
  const replaced = new Set(swaps.flatMap((s) => s.groups.flatMap((g) => g.replaced.map((f) => f.path))));
  for (const file of live.values()) {
    if (!file.writtenBy) continue;
    const label = `${kindOf.get(file.writtenBy)} ${file.writtenBy}`;
    const generation = file.schemaGeneration === undefined ? undefined : generations.get(file.schemaGeneration);
    // A swap a crash interrupted may not have moved the file yet: it waits in the swap's directory.
    const waiting = unfinished.has(file.writtenBy) && !(await table.exists(file.path));
    const where = waiting ? swapTmpPath(file.writtenBy, file.path) : file.path;
    await checkFile(table, { path: where, format: file.format, hour: file.hour, records: file.records, bytes: file.bytes }, generation, problems, label);
  }
  for (const [partition, ranges] of byPartition) {
    if (ranges.length === 0) continue;
    let expected = ranges[0].start;
    const coverage: PartitionCoverage = { partition, firstOffset: ranges[0].start, committedOffset: ranges[0].start, ranges: ranges.length, records: 0, badRecords: 0, skippedOffsets: 0, lostOffsets: 0 };
    const found = partitionGaps(partition, ranges.map((r) => ({ start: r.start, end: r.end, lost: r.kind === 'lost' ? r.lost ?? null : null })), acks);
    gaps.push(...found);
    for (const gap of found) if (gap.lost && !gap.acknowledgement) problems.push(gapProblem(job, gap, ackTopic));
    for (const range of ranges) {
      const label = `partition ${partition} range ${range.start}..${range.end}`;
      const hole = range.start > expected ? found.find((g) => !g.lost && g.start === expected) : undefined;
      if (hole && !hole.acknowledgement) problems.push(`${label}: ${gapProblem(job, hole, ackTopic).slice(`partition ${partition}: `.length)}`);
      if (range.start < expected) problems.push(`${label}: overlaps the previous range, which ended at ${expected}`);
      expected = Math.max(expected, range.end);
      coverage.records += range.records;
      coverage.badRecords += range.badRecords;
      // Checkpoints from before skipped offsets were counted have none: every offset was a record then.
      const skipped = range.skippedOffsets ?? 0;
      coverage.skippedOffsets += skipped;
      if (range.kind === 'lost') {
        const lost = range.lost?.count ?? 0;
        coverage.lostOffsets += lost;
        if (lost !== range.end - range.start || range.records + range.badRecords + skipped !== 0 || range.files.length > 0) {
          problems.push(`${label}: a lost range must record its ${range.end - range.start} offsets as lost and hold nothing (lost ${lost}, ${range.records} good, ${range.badRecords} bad, ${range.files.length} files)`);
        }
        continue;
      }
      if (range.records + range.badRecords + skipped !== range.end - range.start) {
        problems.push(`${label}: ${range.records} good + ${range.badRecords} bad records + ${skipped} skipped offsets for ${range.end - range.start} offsets`);
      }
      let generation: SchemaGeneration | undefined;
      if (range.schemaGeneration !== undefined) {
        generation = generations.get(range.schemaGeneration);
        const start = generation?.starts.get(partition);
        if (!generation) problems.push(`${label}: written with schema generation ${range.schemaGeneration}, which the history (_sluice/schemas/) lacks`);
        else if (start === undefined || start > range.start) problems.push(`${label}: written with schema generation ${range.schemaGeneration}, which starts in partition ${partition} ${start === undefined ? 'nowhere' : `at ${start}`}`);
      }
      const perFormat = new Map<string, number>();
      for (const file of range.files) {
        if (!replaced.has(file.path) && !(await checkFile(table, file, generation, problems, label))) continue;
        perFormat.set(file.format, (perFormat.get(file.format) ?? 0) + file.records);
        if (file.format === countedFormat && file.hour) hours.set(file.hour, (hours.get(file.hour) ?? 0) + file.records);
      }
      for (const format of job.output.formats) {
        const sum = perFormat.get(format) ?? 0;
        if (sum !== range.records) problems.push(`${label}: ${format} files hold ${plural(sum, 'record')}, the range loaded ${range.records}`);
      }
      if ((perFormat.get('dead-letter') ?? 0) !== range.badRecords) problems.push(`${label}: the dead-letter file lists ${plural(perFormat.get('dead-letter') ?? 0, 'record')}, ${range.badRecords} bad`);
    }
    coverage.committedOffset = expected;
    partitions.push(coverage);
  }
  return { ok: problems.length === 0, problems, partitions, hours: new Map([...hours.entries()].sort()), schemaGenerations: history.length, gaps };
}
