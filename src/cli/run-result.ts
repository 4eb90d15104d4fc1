import type { JobDefinition } from '../job/job-definition';
import type { LoadSummary } from '../pipeline/load-summary';
import type { PlannedRange, RangeCheckpoint } from '../table/table-state';
import { plural } from '../common/plural';
import { describeLost } from '../pipeline/retention-gaps';
import { describeHours } from '../common/hour-list';
import type { CommandIO } from './io';
import { progressLine } from './progress';

// What `load` and `backfill` print: the same lines for a person, the same one JSON document (`--json`) for a script.

export interface RangeResult {
  partition: number;
  start: number;
  end: number;
  records: number;
  badRecords: number;
  skippedOffsets: number;
  files: number;
  hours: string[];
  /** A `lost` checkpoint: offsets retention deleted before they were loaded (no records, no files). */
  lost: boolean;
}

/** The one JSON document of `load --json` / `backfill --json`; `status` "failed" comes with the error and the exit code. */
export interface RunResult {
  job: string;
  /** null only when the job file could not be read (then `job` is what --job said). */
  topic: string | null;
  table: string | null;
  kind: 'load' | 'backfill';
  status: 'committed' | 'nothing-to-do' | 'dry-run' | 'failed';
  runId: string | null;
  records: number;
  badRecords: number;
  skippedOffsets: number;
  files: number;
  hours: string[];
  ranges: RangeResult[];
  plan: { partition: number; start: number; end: number; records: number }[];
  recovered: { rolledBack: string[]; rolledForward: string[] };
  /** Ranges recorded as lost to retention (the run exits 3). */
  gaps: number;
  /** The committed bad records by reason, with sample offsets. */
  badReasons: NonNullable<LoadSummary['badReasons']>;
  output?: string;
  error?: string;
}

function rangeResult(r: RangeCheckpoint): RangeResult {
  const data = r.files.filter((f) => f.format !== 'dead-letter');
  const hours = [...new Set(data.map((f) => f.hour).filter((h): h is string => h !== null && h !== undefined))].sort();
  return { partition: r.partition, start: r.start, end: r.end, records: r.records, badRecords: r.badRecords, skippedOffsets: r.skippedOffsets ?? 0, files: data.length, hours, lost: r.kind === 'lost' };
}

const sum = (ranges: RangeResult[], key: 'records' | 'badRecords' | 'skippedOffsets' | 'files') => ranges.reduce((total, r) => total + r[key], 0);

export function runResult(job: JobDefinition, kind: RunResult['kind'], summary: LoadSummary): RunResult {
  const ranges = summary.committed.map(rangeResult);
  const status = summary.dryRun ? 'dry-run' : ranges.length > 0 ? 'committed' : 'nothing-to-do';
  return {
    job: job.name, topic: job.source.topic, table: job.output.table, kind, status, runId: summary.runId,
    records: sum(ranges, 'records'), badRecords: sum(ranges, 'badRecords'), skippedOffsets: sum(ranges, 'skippedOffsets'), files: sum(ranges, 'files'),
    hours: [...new Set(ranges.flatMap((r) => r.hours))].sort(),
    ranges,
    plan: summary.plan.map((r: PlannedRange) => ({ partition: r.partition, start: r.start, end: r.end, records: r.end - r.start })),
    recovered: summary.recovered,
    gaps: ranges.filter((r) => r.lost).length,
    badReasons: summary.badReasons ?? [],
  };
}

export function failedResult(job: JobDefinition | string, kind: RunResult['kind'], error: unknown): RunResult {
  const [name, topic, table] = typeof job === 'string' ? [job, null, null] : [job.name, job.source.topic, job.output.table];
  return {
    job: name, topic, table, kind, status: 'failed', runId: null,
    records: 0, badRecords: 0, skippedOffsets: 0, files: 0, hours: [], ranges: [], plan: [], recovered: { rolledBack: [], rolledForward: [] }, gaps: 0, badReasons: [],
    error: error instanceof Error ? error.message : String(error),
  };
}

/** One line per committed range: offsets, records, bad, skipped, files and the hours written. */
export function rangeLine(r: RangeResult): string {
  if (r.lost) return `  ${describeLost(r)}`;
  const skipped = r.skippedOffsets ? `, ${plural(r.skippedOffsets, 'offset')} skipped (transaction markers and aborted records)` : '';
  const hours = r.hours.length > 0 ? `, hours ${describeHours(r.hours)}` : '';
  return `  partition ${r.partition}: offsets ${r.start}..${r.end}, ${plural(r.records, 'record')}, ${r.badRecords} bad${skipped}, ${plural(r.files, 'file')}${hours}`;
}

/**
 * A progress line on a terminal (stderr), started once the run knows its plan: what `onPlan` and `onProgress` of a
 * run take, and `done` to end the line.
 */
export function progressOnTerminal(): { onPlan: (work: PlannedRange[]) => void; onProgress: (records: number) => void; done: () => void; clear: () => void } {
  let line: ReturnType<typeof progressLine> | null = null;
  return {
    onPlan: (work) => {
      line = progressLine(work.reduce((total, r) => total + (r.end - r.start), 0));
    },
    onProgress: (records) => line?.add(records),
    done: () => line?.done(),
    clear: () => line?.clear(),
  };
}

/** The job `load()` reads; with `--json`, a job that cannot be read still gets its failed document on stdout. */
export function jobOrFailedJson(args: { job: string; json: boolean }, kind: RunResult['kind'], io: CommandIO, load: () => JobDefinition): JobDefinition {
  try {
    return load();
  } catch (error) {
    if (args.json) printJson(io, failedResult(args.job, kind, error));
    throw error;
  }
}

/** Prints `result` as the one JSON document on stdout. */
export function printJson(io: CommandIO, result: unknown): void {
  io.out(JSON.stringify(result, null, 2));
}
