// What the web console's pages read and do, as interfaces: the pages depend on these, and src/console/kafka-browser.ts
// and src/console/job-browser.ts implement them over sluice's own client and tables (tests may pass others).
import type { GroupDescription, ListedGroup } from '../client/consumer-group-admin';
import type { OffsetRow } from '../cli/groups/group-views';
import type { JobDefinition } from '../job/job-definition';
import type { JobStatus } from '../status/job-status';

export interface PartitionOffsetsView {
  partition: number;
  leader: number;
  /** ListOffsets earliest (-2), as `sluice topics describe` shows it. */
  logStartOffset: number;
  /** ListOffsets latest (-1). */
  highWatermark: number;
  /** Bytes the partition's log holds (DescribeLogDirs); null when the cluster would not say (no DESCRIBE on it, or an older broker). */
  bytes: number | null;
}

export interface TopicOverview {
  name: string;
  partitions: PartitionOffsetsView[];
}

export interface BrowsedMessage {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface GroupView {
  description: GroupDescription;
  /** The rows of `sluice groups describe`: committed offset, log end offset and lag per partition. */
  offsets: OffsetRow[];
}

/** The broker side: topics, messages and consumer groups. */
export interface ClusterBrowser {
  readonly bootstrap: string;
  topics(): Promise<TopicOverview[]>;
  topic(name: string): Promise<TopicOverview>;
  /** Up to `limit` records of one partition from `fromOffset` on (fewer at the end of the log). */
  messages(topic: string, partition: number, fromOffset: number, limit: number): Promise<BrowsedMessage[]>;
  groups(): Promise<ListedGroup[]>;
  group(groupId: string): Promise<GroupView>;
}

export type HourState = 'complete' | 'incomplete' | 'reopened' | 'gap';

export interface HourCell {
  /** "2026-11-21T06", as status's completeHours. */
  key: string;
  state: HourState;
}

/** One point of a partition's lag chart. */
export interface LagPoint {
  /** ISO time. */
  at: string;
  partition: number;
  lagRecords: number;
  /** The run's range was cut by limits.maxRecordsPerPartition: more than this was waiting. */
  atLeast: boolean;
  /** The run whose plan found this backlog; null for "now" (the status's own figure). */
  runId: string | null;
}

export interface DeadLetter {
  partition: number;
  offset: number;
  /** Offsets the entry covers: 1 for a bad record, more for an undecodable batch. */
  records: number;
  timestamp: number | null;
  reason: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Table-relative path of the dead-letter file. */
  file: string;
}

export interface TableEntry {
  /** Relative to the table's directory, with forward slashes. */
  path: string;
  type: 'file' | 'directory';
  /** A file's length; a directory's files' total. */
  bytes: number;
  /** Files under a directory, at any depth. */
  files: number;
  children: TableEntry[];
}

export interface JobProblem {
  file: string;
  error: string;
}

/** The load side: job definitions and what their tables hold. */
export interface JobBrowser {
  jobs(): Promise<{ jobs: JobDefinition[]; problems: JobProblem[] }>;
  /** What `sluice status --json` shows for the job. */
  status(job: JobDefinition, runs: number): Promise<JobStatus>;
  /** Every hour directory of the table and every hour an unacknowledged retention gap holds, oldest first. */
  hours(job: JobDefinition): Promise<HourCell[]>;
  /** Per partition, the backlog each of the last `runs` runs found, then the status's lag now. */
  lagHistory(job: JobDefinition, status: JobStatus, runs: number): Promise<LagPoint[]>;
  deadLetters(job: JobDefinition, limit: number): Promise<DeadLetter[]>;
  tableTree(job: JobDefinition, maxEntries: number): Promise<{ root: TableEntry; truncated: boolean; location: string }>;
}

/** What the console may change, only with --allow-actions. */
export interface JobActions {
  /** Runs one load of the job now (as `sluice load --job`); resolves with a line saying what it committed. */
  runNow(job: JobDefinition): Promise<string>;
}
