// A run of a many-topic job (`source.topics`, `source.topicPattern`): the topics are resolved from the cluster's
// Metadata at each run, then each topic runs as its own job (job-topics.ts), one after another, with the same run id.
import { openSink } from '../connector-factory';
import type { JobDefinition } from '../job/job-definition';
import { describeSelection, hasSharedTable, hasTablePerTopic, resolveTopics, tableNameFor, topicJobs } from '../job/job-topics';
import { recordTableTopic } from '../table/topic-tables';
import type { RecordSource, RecordSourceOptions } from '../ports/record-source';
import type { PartitionOffsets } from '../table/completeness';
import { newRunId } from '../table/layout';
import type { PartitionSummary } from '../table/partition-index';
import { JobLockedError, jobTable } from '../table/table-state';
import type { LoadSummary, ManyTopicLoadSummary, TopicRunSummary } from './load-summary';
import { openJobSource } from './range-context';
import type { CompletenessScope } from './run-recorder';

/** What a many-topic run needs of the load's options (load-job.ts's `LoadOptions`). */
export interface ManyTopicOptions {
  log?: (line: string) => void;
  runId?: string;
  signal?: AbortSignal;
  dryRun?: boolean;
  partitions?: number[];
  /** Only this topic is loaded; completeness of a shared table still counts every topic. */
  topic?: string;
  sourceOptions?: RecordSourceOptions;
  openSource?: (job: JobDefinition, options: RecordSourceOptions) => Promise<RecordSource>;
}

/** One or more topics of a many-topic run failed; the others were loaded (or had nothing to load). */
export class TopicLoadsFailedError extends Error {
  constructor(readonly job: string, readonly failures: { topic: string; error: Error }[], readonly loaded: TopicRunSummary[]) {
    super(`job ${job}: ${failures.map((f) => `topic ${f.topic}: ${f.error.message}`).join('; ')}` +
      (loaded.length > 0 ? ` (topics ${loaded.map((l) => l.topic).join(', ')} ran: their commits stand)` : ''));
    this.name = 'TopicLoadsFailedError';
  }
}

/** Partition ids of a scope over many topics: topic i's partition p is i·2^31 + p (Kafka's partitions are int32). */
const TOPIC_SLOT = 2 ** 31;

/**
 * Completeness of a table the topics share: every topic's partitions, each topic's offsets from its own source and
 * its summaries from its own state namespace, read fresh at each ask (another topic may have committed since).
 */
function sharedCompleteness(jobs: readonly JobDefinition[], sourceOf: (job: JobDefinition) => Promise<RecordSource>): CompletenessScope {
  const sink = openSink(jobs[0].output.sink);
  const source: PartitionOffsets = {
    async partitions() {
      const all: number[] = [];
      for (const [i, job] of jobs.entries()) all.push(...(await (await sourceOf(job)).partitions()).map((p) => i * TOPIC_SLOT + p));
      return all;
    },
    async offsetRanges(ids) {
      const result: Awaited<ReturnType<PartitionOffsets['offsetRanges']>> = new Map();
      for (const [i, job] of jobs.entries()) {
        const mine = ids.filter((id) => Math.floor(id / TOPIC_SLOT) === i).map((id) => id - i * TOPIC_SLOT);
        if (mine.length === 0) continue;
        for (const [p, range] of await (await sourceOf(job)).offsetRanges(mine)) result.set(i * TOPIC_SLOT + p, range);
      }
      return result;
    },
  };
  return {
    source,
    async summaries() {
      const all = new Map<number, PartitionSummary>();
      for (const [i, job] of jobs.entries()) {
        for (const [p, summary] of await jobTable(sink, job).partitionSummaries()) all.set(i * TOPIC_SLOT + p, summary);
      }
      return all;
    },
  };
}

/**
 * Resolves the topics, then runs `runOne` per topic. A listed topic the cluster lacks is skipped with a warning, as
 * Kafka's consumers go on without it; one topic failing does not stop the others, and the run then fails naming it.
 */
export async function runManyTopics<O extends ManyTopicOptions>(
  job: JobDefinition, options: O, runOne: (job: JobDefinition, options: O, completeness?: CompletenessScope) => Promise<LoadSummary>,
): Promise<ManyTopicLoadSummary> {
  const log = options.log ?? (() => undefined);
  const runId = options.runId ?? newRunId();
  const open = (each: JobDefinition) => (options.openSource ?? openJobSource)(each, options.sourceOptions ?? {});
  const listing = await open({ ...job, source: { ...job.source, topic: describeSelection(job) } });
  let resolved;
  try {
    resolved = resolveTopics(job, await listing.listTopics());
  } finally {
    listing.close();
  }
  for (const topic of resolved.missing) log(`topic ${topic} (source.topics) does not exist: skipped this run; it is loaded once it is created (a topic the job's principal may not describe looks the same: Metadata leaves it out)`);
  if (resolved.topics.length === 0) log(`no topic matches ${describeSelection(job)}: nothing to load`);
  const failures: { topic: string; error: Error }[] = [];
  // A topic whose {topic} table name Hive cannot take fails alone; the others still load.
  const named = resolved.topics.filter((topic) => {
    try {
      tableNameFor(job, topic);
      return true;
    } catch (error) {
      failures.push({ topic, error: error as Error });
      log(`topic ${topic}: ${(error as Error).message}`);
      return false;
    }
  });
  const jobs = topicJobs(job, named);
  const sources = new Map<string, Promise<RecordSource>>();
  const sourceOf = (each: JobDefinition) => {
    let source = sources.get(each.source.topic);
    if (!source) sources.set(each.source.topic, (source = open(each)));
    return source;
  };
  const completeness = hasSharedTable(job) && jobs.length > 0 ? sharedCompleteness(jobs, sourceOf) : undefined;
  const loaded: TopicRunSummary[] = [];
  if (options.topic !== undefined && !jobs.some((each) => each.source.topic === options.topic)) {
    throw new Error(`job ${job.name}: topic ${options.topic} is not among the topics it reads now (${jobs.map((each) => each.source.topic).join(', ') || 'none'}${resolved.missing.includes(options.topic) ? `; ${options.topic} does not exist` : ''})`);
  }
  const running = options.topic === undefined ? jobs : jobs.filter((each) => each.source.topic === options.topic);
  try {
    for (const each of running) {
      if (options.signal?.aborted) break;
      log(`topic ${each.source.topic} → table ${each.output.table}${each.output.stateNamespace ? ` (state in _sluice/${each.output.stateNamespace}/)` : ''}`);
      try {
        if (hasTablePerTopic(job) && !options.dryRun) await recordTableTopic(openSink(each.output.sink), each.output.table, each.source.topic);
        const summary = await runOne(each, { ...options, runId }, completeness);
        loaded.push({ ...summary, topic: each.source.topic, table: each.output.table });
      } catch (error) {
        failures.push({ topic: each.source.topic, error: error instanceof Error ? error : new Error(String(error)) });
        log(`topic ${each.source.topic}: ${(error as Error).message}`);
      }
    }
  } finally {
    for (const source of sources.values()) source.then((s) => s.close(), () => undefined);
  }
  // A lock held on every failed topic is another run of the job at work: the caller treats it as it treats one topic's.
  if (failures.length > 0 && failures.every((f) => f.error instanceof JobLockedError)) throw failures[0].error;
  if (failures.length > 0) throw new TopicLoadsFailedError(job.name, failures, loaded);
  return {
    runId,
    plan: loaded.flatMap((l) => l.plan),
    committed: loaded.flatMap((l) => l.committed),
    recovered: { rolledBack: loaded.flatMap((l) => l.recovered.rolledBack), rolledForward: loaded.flatMap((l) => l.recovered.rolledForward) },
    dryRun: options.dryRun === true,
    topics: loaded,
    missingTopics: resolved.missing,
  };
}
