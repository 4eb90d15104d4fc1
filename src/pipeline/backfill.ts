import { openSink } from '../connector-factory';
import type { RecordSource } from '../ports/record-source';
import type { JobDefinition } from '../job/job-definition';
import { executeRun, LoadOptions, LoadSummary } from './load-job';
import type { EventTimeWindow } from './range-loader';
import { PlannedRange, TableState, TableStore } from '../table/table-state';

/** An offset, a Kafka timestamp, or an event time (the job's `time.field`; the Kafka timestamp for jobs without one). */
export type Bound = { offset: number } | { time: number } | { eventTime: number };

export interface BackfillRequest {
  from: Bound;
  /** Of the same kind as `from` when that is an event time. */
  to?: Bound;
  /** Another sink (path or URL) for the output; by default the job's sink. */
  output?: string;
  /**
   * For event-time bounds: how far Kafka timestamps may lag or lead event time. The offsets read are those whose
   * Kafka timestamps fall within [from - margin, to + margin) (the broker's time index); default one hour.
   */
  eventTimeMarginMs?: number;
}

export const DEFAULT_EVENT_TIME_MARGIN_MS = 3_600_000;

export class BackfillRequestError extends Error {
  constructor(detail: string) {
    super(`backfill: ${detail}`);
    this.name = 'BackfillRequestError';
  }
}

const compactTime = (time: number) => new Date(time).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

function boundLabel(bound: Bound): string {
  if ('offset' in bound) return `offset-${bound.offset}`;
  return 'time' in bound ? `time-${compactTime(bound.time)}` : `event-${compactTime(bound.eventTime)}`;
}

/** The event-time window a request keeps, or null when it selects by offset or Kafka timestamp. */
export function eventTimeWindowOf(request: BackfillRequest): EventTimeWindow | null {
  if (!('eventTime' in request.from)) {
    if (request.to && 'eventTime' in request.to) throw new BackfillRequestError('an event-time end needs an event-time start');
    return null;
  }
  if (request.to && !('eventTime' in request.to)) throw new BackfillRequestError('an event-time start needs an event-time end (or none)');
  const to = request.to && 'eventTime' in request.to ? request.to.eventTime : Infinity;
  if (!(to > request.from.eventTime)) throw new BackfillRequestError(`the event-time end ${new Date(to).toISOString()} is not after the start ${new Date(request.from.eventTime).toISOString()}`);
  const margin = request.eventTimeMarginMs ?? DEFAULT_EVENT_TIME_MARGIN_MS;
  if (!(margin >= 0)) throw new BackfillRequestError(`the event-time margin must be 0 or more milliseconds, not ${margin}`);
  return { from: request.from.eventTime, to };
}

/**
 * Where a backfill writes: a directory named after the requested range, under
 * the table's _backfill/ (which Hive and DuckDB's hive partitioning skip), so
 * a re-run of the same request finds its own checkpoints and adds nothing twice.
 */
export function backfillTable(job: JobDefinition, request: BackfillRequest): TableState {
  const margin = request.eventTimeMarginMs ?? DEFAULT_EVENT_TIME_MARGIN_MS;
  const marginLabel = 'eventTime' in request.from && margin !== DEFAULT_EVENT_TIME_MARGIN_MS ? `-margin-${margin}ms` : '';
  const id = `from-${boundLabel(request.from)}-to-${request.to ? boundLabel(request.to) : 'latest'}${marginLabel}`;
  if (request.output) return new TableState(openSink(request.output), `${job.output.table}_backfill_${id}`, job.output.stateNamespace ?? null);
  // One topic of a table many topics share keeps its state in its namespace there too: other topics may backfill the same range.
  return new TableState(openSink(job.output.sink), `${job.output.table}/_backfill/${id}`, job.output.stateNamespace ?? null);
}

/**
 * Each partition's offset for a bound: the offset itself, or the first whose Kafka timestamp is at or after the time
 * (one request per leader); an event time is looked up `shift` away from itself (the margin, outwards).
 */
async function resolve(source: RecordSource, partitions: number[], bound: Bound, shift: number): Promise<Map<number, number>> {
  if ('offset' in bound) return new Map(partitions.map((p) => [p, bound.offset]));
  // Never below 0: ListOffsets reads -1 and -2 as latest and earliest.
  return source.offsetsForTime(partitions, 'time' in bound ? bound.time : Math.max(0, bound.eventTime + shift));
}

/** Loads a chosen range into its own output; the scheduled job's checkpoint is never read or moved. */
export async function runBackfill(job: JobDefinition, request: BackfillRequest, options: LoadOptions & { onProgress?: (records: number) => void } = {}): Promise<LoadSummary> {
  const table = backfillTable(job, request);
  const window = eventTimeWindowOf(request);
  const margin = request.eventTimeMarginMs ?? DEFAULT_EVENT_TIME_MARGIN_MS;
  const planner = async (t: TableStore, source: RecordSource, partitions: number[]): Promise<PlannedRange[]> => {
    const offsets = await source.offsetRanges(partitions);
    const froms = await resolve(source, partitions, request.from, -margin);
    const tos = request.to ? await resolve(source, partitions, request.to, margin) : undefined;
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
  return executeRun(job, { table, kind: 'backfill', planner, ...(window ? { eventTimeWindow: window } : {}) }, options);
}
