import { openSink } from '../connector-factory';
import type { KafkaSource } from '../../connectors/sources/kafka-source';
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

async function resolve(source: KafkaSource, partition: number, bound: Bound): Promise<number> {
  return 'offset' in bound ? bound.offset : source.offsetForTime(partition, bound.time);
}

/** Loads a chosen range into its own output; the scheduled job's checkpoint is never read or moved. */
export async function runBackfill(job: JobDefinition, request: BackfillRequest, options: LoadOptions & { onProgress?: (records: number) => void } = {}): Promise<LoadSummary> {
  const table = backfillTable(job, request);
  const planner = async (t: TableStore, source: KafkaSource, partitions: number[]): Promise<PlannedRange[]> => {
    const ranges: PlannedRange[] = [];
    for (const partition of partitions) {
      const { earliest, latest } = await source.offsets(partition);
      const from = Math.max(earliest, await resolve(source, partition, request.from));
      const to = Math.min(latest, request.to ? await resolve(source, partition, request.to) : latest);
      const done = await t.committedOffset(partition);
      const start = done === null ? from : Math.max(from, done);
      ranges.push({ partition, start, end: Math.max(start, Math.min(to, start + job.limits.maxRecordsPerPartition)) });
    }
    return ranges;
  };
  return executeRun(job, { table, kind: 'backfill', planner }, options);
}
