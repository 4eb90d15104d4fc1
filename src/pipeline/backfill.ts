import { openSink } from '../connector-factory';
import type { RecordSource } from '../ports/record-source';
import type { JobDefinition } from '../job/job-definition';
import { executeRun, LoadOptions, LoadSummary } from './load-job';
import { PlannedRange, TableState, TableStore } from '../table/table-state';

export type Bound = { offset: number } | { time: number };

export interface BackfillRequest {
  from: Bound;
  to?: Bound;
  /** Another sink (path or URL) for the output; by default the job's sink. */
  output?: string;
}

function boundLabel(bound: Bound): string {
  return 'offset' in bound ? `offset-${bound.offset}` : `time-${new Date(bound.time).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/**
 * Where a backfill writes: a directory named after the requested range, under
 * the table's _backfill/ (which Hive and DuckDB's hive partitioning skip), so
 * a re-run of the same request finds its own checkpoints and adds nothing twice.
 */
export function backfillTable(job: JobDefinition, request: BackfillRequest): TableState {
  const id = `from-${boundLabel(request.from)}-to-${request.to ? boundLabel(request.to) : 'latest'}`;
  if (request.output) return new TableState(openSink(request.output), `${job.output.table}_backfill_${id}`);
  return new TableState(openSink(job.output.sink), `${job.output.table}/_backfill/${id}`);
}

/** Each partition's offset for a bound: the offset itself, or the first at or after the time (one request per leader). */
async function resolve(source: RecordSource, partitions: number[], bound: Bound): Promise<Map<number, number>> {
  return 'offset' in bound ? new Map(partitions.map((p) => [p, bound.offset])) : source.offsetsForTime(partitions, bound.time);
}

/** Loads a chosen range into its own output; the scheduled job's checkpoint is never read or moved. */
export async function runBackfill(job: JobDefinition, request: BackfillRequest, options: LoadOptions & { onProgress?: (records: number) => void } = {}): Promise<LoadSummary> {
  const table = backfillTable(job, request);
  const planner = async (t: TableStore, source: RecordSource, partitions: number[]): Promise<PlannedRange[]> => {
    const offsets = await source.offsetRanges(partitions);
    const froms = await resolve(source, partitions, request.from);
    const tos = request.to ? await resolve(source, partitions, request.to) : undefined;
    const ranges: PlannedRange[] = [];
    for (const partition of partitions) {
      const { earliest, latest } = offsets.get(partition)!;
      const from = Math.max(earliest, froms.get(partition)!);
      const to = Math.min(latest, tos?.get(partition) ?? latest);
      const done = await t.committedOffset(partition);
      const start = done === null ? from : Math.max(from, done);
      ranges.push({ partition, start, end: Math.max(start, Math.min(to, start + job.limits.maxRecordsPerPartition)) });
    }
    return ranges;
  };
  return executeRun(job, { table, kind: 'backfill', planner }, options);
}
