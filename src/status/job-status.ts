import { openRecordSource, openSink } from '../connector-factory';
import type { Granularity } from '../table/partition-template';
import type { RecordSource } from '../ports/record-source';
import type { JobDefinition } from '../job/job-definition';
import { hourDirectories, lowWatermark, partitionWatermarks, PartitionWatermark } from '../table/completeness';
import type { PartitionSummary } from '../table/partition-index';
import { readRunHistory, RunStatus } from '../table/run-history';
import { jobTable, TableReader } from '../table/table-state';
import { RetentionGap, summaryGaps } from '../table/gaps';
import type { HeldLock } from '../table/lock';
import { describeSelection, isManyTopicJob, resolveTopics, topicJobs } from '../job/job-topics';
import { topicJobsInSink } from '../table/topic-tables';

export interface RunLine {
  runId: string;
  kind: string;
  start: string;
  status: RunStatus;
  records: number;
  badRecords: number;
  durationMs: number;
  reopenedHours: string[] | null;
  error?: string;
}

export interface PartitionStatus {
  partition: number;
  /** Where the next load starts; null when nothing was committed. */
  committedOffset: number | null;
  /** The following are null when the broker could not be asked. */
  highWatermark: number | null;
  lagRecords: number | null;
  /** Now minus the Kafka timestamp of the first record not loaded yet; 0 when caught up. */
  lagMs: number | null;
  /** Bad records committed to the dead-letter files. */
  deadLetters: number;
  /** Offsets deleted by retention before they were loaded (`lost` checkpoints). */
  lostOffsets: number;
}

export interface JobStatus {
  job: string;
  file: string;
  topic: string;
  /** One topic of a job of source.topics or source.topicPattern (its commands then take `--topic`). */
  manyTopicJob?: true;
  table: string;
  /** `error` says why the broker's side is missing: unreachable, or it answered with an error (an unknown topic, say). */
  broker: { bootstrap: string; reachable: boolean; error?: string };
  runs: RunLine[];
  /** History lines that could not be read (torn by a crash). */
  unreadableHistoryLines: number;
  partitions: PartitionStatus[];
  /** ISO time, or null when a partition's watermark is unknown or the broker unreachable. */
  lowWatermark: string | null;
  /** Hour keys ("2026-11-21T05") whose directory has `_SUCCESS`, oldest first. */
  /** What the job's time partitions are (`output.partitioning`): the keys below are hours, days or minutes. */
  granularity: Granularity;
  completeHours: string[];
  /** The newest hour directory without `_SUCCESS`, or null. */
  newestIncompleteHour: string | null;
  deadLetters: number;
  /** Offsets lost to retention (and holes no checkpoint covers), acknowledged or not, per partition in offset order. */
  gaps: RetentionGap[];
  /** Runs holding partition locks now (a load, backfill or shard at work), with the partitions each holds. */
  runsInProgress: RunInProgress[];
}

export interface RunInProgress {
  runId: string;
  owner: string;
  partitions: number[];
}

function runsInProgress(locks: readonly HeldLock[]): RunInProgress[] {
  const byRun = new Map<string, RunInProgress>();
  for (const lock of locks) {
    const run = byRun.get(lock.runId) ?? { runId: lock.runId, owner: lock.owner, partitions: [] };
    run.partitions.push(lock.partition);
    byRun.set(lock.runId, run);
  }
  for (const run of byRun.values()) run.partitions.sort((a, b) => a - b);
  return [...byRun.values()].sort((a, b) => a.runId.localeCompare(b.runId));
}

const lostIn = (summary: PartitionSummary | undefined) => (summary?.lost ?? []).reduce((sum, l) => sum + l.count, 0);

/**
 * The Kafka timestamp of the record at `offset`, or null if the broker has none there. A batch that cannot be
 * decoded is the load's business (a dead letter), not the broker's: its header's timestamp stands for it.
 */
async function timestampAt(source: RecordSource, partition: number, offset: number): Promise<number | null> {
  let timestamp: number | null = null;
  await source.read(partition, offset, offset + 1, (records) => {
    timestamp = records.length > 0 ? records.timestamps[0] : timestamp;
  }, undefined, {
    onUndecodable: (batch) => {
      if (batch.timestamp >= 0) timestamp ??= batch.timestamp;
    },
  });
  return timestamp;
}

async function partitionsFromBroker(job: JobDefinition, source: RecordSource, summaries: Map<number, PartitionSummary>, now: number): Promise<{ partitions: PartitionStatus[]; low: number | null }> {
  const marks: PartitionWatermark[] = await partitionWatermarks(job, source, summaries, now);
  const partitions: PartitionStatus[] = [];
  for (const mark of marks) {
    const next = Math.max(mark.committedOffset ?? mark.earliestOffset, mark.earliestOffset);
    const lagRecords = Math.max(0, mark.highWatermark - next);
    let lagMs = 0;
    if (lagRecords > 0) {
      const waitingSince = await timestampAt(source, mark.partition, next);
      lagMs = waitingSince === null ? 0 : Math.max(0, now - waitingSince);
    }
    const summary = summaries.get(mark.partition);
    partitions.push({ partition: mark.partition, committedOffset: mark.committedOffset, highWatermark: mark.highWatermark, lagRecords, lagMs, deadLetters: summary?.badRecords ?? 0, lostOffsets: lostIn(summary) });
  }
  return { partitions, low: lowWatermark(marks) };
}

/** Everything `sluice status` shows for one job. A broker that cannot be reached is reported, not thrown. */
export async function jobStatus(job: JobDefinition, options: { runs: number; now?: number }): Promise<JobStatus> {
  const now = options.now ?? Date.now();
  const table: TableReader = jobTable(openSink(job.output.sink), job);
  // From the partition indexes: the cost of status does not grow with the table's history.
  const summaries = await table.partitionSummaries();
  const history = await readRunHistory(table, options.runs);
  const hours = await hourDirectories(job, table);
  const incomplete = hours.filter((h) => !h.complete);
  const status: JobStatus = {
    job: job.name,
    file: job.file,
    topic: job.source.topic,
    table: table.describe(),
    broker: { bootstrap: job.source.bootstrap, reachable: true },
    runs: history.entries.map((e) => ({
      runId: e.runId, kind: e.kind, start: e.start, status: e.status, records: e.records, badRecords: e.badRecords,
      durationMs: Date.parse(e.end) - Date.parse(e.start), reopenedHours: e.reopenedHours, ...(e.error ? { error: e.error } : {}),
    })),
    unreadableHistoryLines: history.skippedLines,
    partitions: [],
    lowWatermark: null,
    granularity: job.output.partitioning.granularity,
    completeHours: hours.filter((h) => h.complete).map((h) => h.key),
    newestIncompleteHour: incomplete.length > 0 ? incomplete[incomplete.length - 1].key : null,
    deadLetters: [...summaries.values()].reduce((sum, s) => sum + s.badRecords, 0),
    gaps: [],
    runsInProgress: runsInProgress(await table.liveLocks()),
  };
  const gapped = [...summaries.values()].filter((s) => s.lost.length > 0 || s.ranges.length > 1);
  if (gapped.length > 0) {
    const acks = await table.gapAcknowledgements();
    status.gaps = gapped.flatMap((s) => summaryGaps(s, acks));
  }
  status.partitions = [...summaries.values()].map((s) => ({
    partition: s.partition, committedOffset: s.committedOffset, highWatermark: null, lagRecords: null, lagMs: null, deadLetters: s.badRecords, lostOffsets: lostIn(s),
  }));
  let source: RecordSource;
  try {
    source = await openRecordSource(job.source.bootstrap, job.source.topic, { security: job.source.security });
  } catch (error) {
    status.broker = { bootstrap: job.source.bootstrap, reachable: false, error: (error as Error).message };
    return status;
  }
  try {
    const { partitions, low } = await partitionsFromBroker(job, source, summaries, now);
    status.partitions = partitions;
    status.lowWatermark = low === null ? null : new Date(low).toISOString();
  } catch (error) {
    status.broker = { bootstrap: job.source.bootstrap, reachable: true, error: (error as Error).message };
  } finally {
    source.close();
  }
  return status;
}

/**
 * The status of every topic of a job: one for a `source.topic` job; for a many-topic job, per topic the cluster
 * lists for it now (a new topic shows its lag before its first load; a topic deleted from the cluster is left out,
 * its data still in the table). When the cluster cannot be asked, the topics the sink holds, each saying so.
 */
export async function jobStatuses(job: JobDefinition, options: { runs: number; now?: number }): Promise<JobStatus[]> {
  if (!isManyTopicJob(job)) return [await jobStatus((await topicJobsInSink(job, openSink(job.output.sink)))[0], options)];
  let jobs: JobDefinition[];
  try {
    const source = await openRecordSource(job.source.bootstrap, describeSelection(job), { security: job.source.security });
    try {
      jobs = topicJobs(job, resolveTopics(job, await source.listTopics()).topics);
    } finally {
      source.close();
    }
  } catch {
    jobs = (await topicJobsInSink(job, openSink(job.output.sink))).filter((j) => j.source.topic !== '');
  }
  const statuses: JobStatus[] = [];
  for (const each of jobs.sort((a, b) => a.source.topic.localeCompare(b.source.topic))) statuses.push({ ...(await jobStatus(each, options)), manyTopicJob: true });
  return statuses;
}
