// Which data files a table holds now (checkpoints, then every committed swap), and which of them to compact.
import type { CommittedFile, RangeCheckpoint } from './records';
import type { FileSegment, SwapGroup, SwapRecord } from './file-swap';

/** A data file that is part of the table now: loaded by a range, or written by a swap. */
export interface LiveFile {
  path: string;
  format: 'avro' | 'parquet';
  hour: string;
  records: number;
  bytes: number;
  schemaGeneration?: number;
  /** Its rows by partition, in file order. */
  segments: FileSegment[];
  /** The swap that wrote it; absent for a file a load wrote. */
  writtenBy?: string;
}

/** The rolled file's number, from a data file's name (`<topic>+<p>+<start>+<end>+<seq>.<ext>`); 0 when it has none. */
export function seqOf(path: string): number {
  const match = /\+(\d+)\.[a-z]+$/.exec(path);
  return match ? Number(match[1]) : 0;
}

function fromCheckpoint(range: RangeCheckpoint, file: CommittedFile): LiveFile | null {
  if ((file.format !== 'avro' && file.format !== 'parquet') || !file.hour) return null;
  return {
    path: file.path, format: file.format, hour: file.hour, records: file.records, bytes: file.bytes, schemaGeneration: range.schemaGeneration,
    segments: [{ partition: range.partition, rangeStart: range.start, seq: seqOf(file.path), records: file.records }],
  };
}

/**
 * The table's data files now, by path: every checkpointed file, then each committed swap in order (its replaced
 * files out, its written files in). `problems` gets what does not add up (a swap replacing a file the table does
 * not hold, or records that do not match), which verify reports.
 */
export function liveFiles(ranges: readonly RangeCheckpoint[], swaps: readonly SwapRecord[], problems: string[] = []): Map<string, LiveFile> {
  const live = new Map<string, LiveFile>();
  for (const range of ranges) {
    for (const file of range.files) {
      const entry = fromCheckpoint(range, file);
      if (entry) live.set(entry.path, entry);
    }
  }
  for (const swap of swaps) {
    for (const group of swap.groups) {
      const label = `swap ${swap.id} (${group.format}, hour ${group.hour})`;
      let replacedRecords = 0;
      const replacedSegments = new Map<string, FileSegment[]>();
      for (const file of group.replaced) {
        const held = live.get(file.path);
        replacedSegments.set(file.path, held?.segments ?? []);
        if (!held) problems.push(`${label}: replaces ${file.path}, which the table does not hold`);
        else if (held.records !== file.records || held.bytes !== file.bytes) problems.push(`${label}: replaces ${file.path} as ${file.records} records and ${file.bytes} bytes, the table records ${held.records} and ${held.bytes}`);
        replacedRecords += file.records;
        live.delete(file.path);
      }
      const before = recordsByPartition(group.replaced.map((f) => ({ segments: replacedSegments.get(f.path) })));
      const after = recordsByPartition(group.written);
      for (const partition of new Set([...before.keys(), ...after.keys()])) {
        if ((before.get(partition) ?? 0) !== (after.get(partition) ?? 0)) problems.push(`${label}: writes ${after.get(partition) ?? 0} records of partition ${partition} in place of ${before.get(partition) ?? 0}`);
      }
      const writtenRecords = group.written.reduce((sum, f) => sum + f.records, 0);
      if (writtenRecords !== replacedRecords) problems.push(`${label}: writes ${writtenRecords} records in place of ${replacedRecords}`);
      for (const file of group.written) {
        if (live.has(file.path)) problems.push(`${label}: writes ${file.path}, which the table already holds`);
        const segments = file.segments ?? [];
        if (segments.reduce((sum, s) => sum + s.records, 0) !== file.records) problems.push(`${label}: the segments of ${file.path} do not add up to its ${file.records} records`);
        live.set(file.path, { path: file.path, format: group.format, hour: group.hour, records: file.records, bytes: file.bytes, schemaGeneration: group.schemaGeneration, segments, writtenBy: swap.id });
      }
    }
  }
  return live;
}

/** Records per partition of a set of files, from their segments. */
export function recordsByPartition(files: readonly { segments?: FileSegment[] }[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const file of files) for (const s of file.segments ?? []) counts.set(s.partition, (counts.get(s.partition) ?? 0) + s.records);
  return counts;
}

/** Rows of one source file going to an output, in order. */
export interface PlannedPiece {
  path: string;
  fromRow: number;
  toRow: number;
  segment: FileSegment;
}

export interface PlannedOutput {
  path: string;
  pieces: PlannedPiece[];
  records: number;
}

export interface CompactionGroupPlan {
  format: 'avro' | 'parquet';
  hour: string;
  schemaGeneration?: number;
  replaced: LiveFile[];
  outputs: PlannedOutput[];
}

/** A file counts as small below half the target: outputs of a compaction are never smaller (unless they are all of the hour). */
export function isSmall(file: LiveFile, targetBytes: number): boolean {
  return file.bytes < targetBytes / 2;
}

type GroupKey = string;

/** Names a compaction's outputs in an hour directory: each call a new name, across the whole compaction. */
export type OutputNamer = (dir: string, format: 'avro' | 'parquet') => string;

/**
 * Groups the small files of the chosen hours by format, hour and schema generation; each group of two or more
 * becomes one output, rows ordered by (partition, range, rolled file, row): Kafka order within each partition.
 * How many files a group really needs is known once its rows are written (small files carry much overhead, so
 * their bytes say little): `splitOutputs` divides it then.
 */
export function planCompaction(live: Iterable<LiveFile>, hourChosen: (format: string, hour: string) => boolean, targetBytes: number, outputName: OutputNamer): CompactionGroupPlan[] {
  const groups = new Map<GroupKey, LiveFile[]>();
  for (const file of live) {
    if (!isSmall(file, targetBytes) || !hourChosen(file.format, file.hour)) continue;
    const key = `${file.format}|${file.path.slice(0, file.path.lastIndexOf('/'))}|${file.schemaGeneration ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const plans: CompactionGroupPlan[] = [];
  for (const [key, files] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (files.length < 2) continue;
    const pieces: PlannedPiece[] = [];
    for (const file of files) {
      let row = 0;
      for (const segment of file.segments) {
        pieces.push({ path: file.path, fromRow: row, toRow: row + segment.records, segment });
        row += segment.records;
      }
    }
    pieces.sort((a, b) => a.segment.partition - b.segment.partition || a.segment.rangeStart - b.segment.rangeStart || a.segment.seq - b.segment.seq || (a.segment.skipped ?? 0) - (b.segment.skipped ?? 0));
    const records = pieces.reduce((sum, p) => sum + p.toRow - p.fromRow, 0);
    const output: PlannedOutput = { path: outputName(key.split('|')[1], files[0].format), pieces, records };
    plans.push({ format: files[0].format, hour: files[0].hour, schemaGeneration: files[0].schemaGeneration, replaced: files, outputs: [output] });
  }
  return plans;
}

/** One output's rows divided in order into `count` outputs of (nearly) equal records, newly named. */
export function splitOutput(output: PlannedOutput, count: number, name: () => string): PlannedOutput[] {
  const perOutput = Math.ceil(output.records / Math.max(1, Math.min(count, output.records)));
  const outputs: PlannedOutput[] = [];
  let current: PlannedOutput | null = null;
  for (const piece of output.pieces) {
    let from = piece.fromRow;
    while (from < piece.toRow) {
      if (!current || current.records >= perOutput) outputs.push((current = { path: name(), pieces: [], records: 0 }));
      const take = Math.min(piece.toRow - from, perOutput - current.records);
      current.pieces.push({ ...piece, fromRow: from, toRow: from + take, segment: { ...piece.segment, skipped: (piece.segment.skipped ?? 0) + from - piece.fromRow, records: take } });
      current.records += take;
      from += take;
    }
  }
  return outputs;
}

/** An output's segments, consecutive pieces of one partition joined (the first keeps its place in the order). */
export function outputSegments(output: PlannedOutput): FileSegment[] {
  const segments: FileSegment[] = [];
  for (const piece of output.pieces) {
    const last = segments[segments.length - 1];
    if (last && last.partition === piece.segment.partition) last.records += piece.segment.records;
    else segments.push({ ...piece.segment });
  }
  return segments;
}

export type { SwapGroup };
