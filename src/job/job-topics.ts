// A job over many topics (`source.topics`, `source.topicPattern`) runs as one per-topic job per topic: the same
// job with `source.topic` set, and either its own table (`output.table` with `{topic}`) or, for one table shared
// by every topic, its state in its own namespace under `_sluice/` and a `_kafka_topic` column.
import { isHiveTableName, JobDefinition, JobDefinitionError, TOPIC_PLACEHOLDER } from './job-definition';

import type { ListedTopic } from '../ports/record-source';

export type { ListedTopic };

/** Where a shared table keeps one topic's state: `_sluice/topics/<topic>/`. */
export const TOPIC_NAMESPACE_DIR = 'topics';

export function isManyTopicJob(job: JobDefinition): boolean {
  return job.source.selection !== undefined;
}

/** One table per topic: `output.table` names it with `{topic}`. */
export function hasTablePerTopic(job: JobDefinition): boolean {
  return job.output.table.includes(TOPIC_PLACEHOLDER);
}

/** A many-topic job without `{topic}`: one table for all its topics, with a `_kafka_topic` column. */
export function hasSharedTable(job: JobDefinition): boolean {
  return isManyTopicJob(job) && !hasTablePerTopic(job);
}

/** The selection as people write it: `topics a, b` or `topics matching /x.+/`. */
export function describeSelection(job: JobDefinition): string {
  const selection = job.source.selection;
  if (!selection) return job.source.topic;
  return selection.kind === 'list' ? `topics ${selection.topics.join(', ')}` : `topics matching /${selection.pattern}/`;
}

/**
 * Never matched by a pattern, as Kafka's consumers leave internal topics out of pattern subscriptions: Kafka's
 * flagged ones, its `__` prefix, and the Schema Registry's `_schemas`. A list may still name one.
 */
export function isInternalTopic(topic: ListedTopic): boolean {
  return topic.internal || topic.name.startsWith('__') || topic.name === '_schemas';
}

export interface ResolvedTopics {
  /** In the list's order, or sorted by name for a pattern. */
  topics: string[];
  /** Listed topics the cluster does not have: skipped this run, with a warning. */
  missing: string[];
}

/** Which of the cluster's topics the job takes now. A pattern must match the whole name, as Java's `Matcher.matches()`. */
export function resolveTopics(job: JobDefinition, listed: readonly ListedTopic[]): ResolvedTopics {
  const selection = job.source.selection;
  if (!selection) return { topics: [job.source.topic], missing: [] };
  if (selection.kind === 'list') {
    const names = new Set(listed.map((t) => t.name));
    return { topics: selection.topics.filter((t) => names.has(t)), missing: selection.topics.filter((t) => !names.has(t)) };
  }
  const whole = new RegExp(`^(?:${selection.pattern})$`);
  return { topics: listed.filter((t) => !isInternalTopic(t) && whole.test(t.name)).map((t) => t.name).sort(), missing: [] };
}

/** Whether a topic found in a table's state still belongs to the job's selection (a pattern or list may have changed). */
export function selects(job: JobDefinition, topic: string): boolean {
  const selection = job.source.selection;
  if (!selection) return topic === job.source.topic;
  if (selection.kind === 'list') return selection.topics.includes(topic);
  return !isInternalTopic({ name: topic, internal: false }) && new RegExp(`^(?:${selection.pattern})$`).test(topic);
}

/** `output.table` for one topic: `{topic}` replaced by the topic with `.` and `-` made `_` (Hive names allow neither). */
export function tableNameFor(job: JobDefinition, topic: string): string {
  if (!hasTablePerTopic(job)) return job.output.table;
  const name = job.output.table.split(TOPIC_PLACEHOLDER).join(topic.replace(/[.-]/g, '_'));
  if (!isHiveTableName(name)) {
    throw new JobDefinitionError(job.file, 'output.table', `topic ${topic} gives the table name ${JSON.stringify(name)}, which is not a Hive table name (it must start with a letter or _)`);
  }
  return name;
}

/** The job one topic runs as: `source.topic` set, its table (or its namespace in the shared table and `_kafka_topic`). */
export function topicJob(job: JobDefinition, topic: string): JobDefinition {
  const { selection: _selection, ...source } = job.source;
  const perTopic: JobDefinition = { ...job, source: { ...source, topic }, output: { ...job.output, table: tableNameFor(job, topic) } };
  if (!hasSharedTable(job)) return perTopic;
  const metadataColumns = job.metadataColumns.includes('topic') ? job.metadataColumns : [...job.metadataColumns, 'topic' as const];
  return { ...perTopic, metadataColumns, output: { ...perTopic.output, stateNamespace: `${TOPIC_NAMESPACE_DIR}/${topic}` } };
}

/**
 * The per-topic jobs of `topics`. Two topics whose table names collide (`a.b` and `a_b` under `{topic}`) are an
 * error naming both: their data would mix in one table without a `_kafka_topic` column.
 */
export function topicJobs(job: JobDefinition, topics: readonly string[]): JobDefinition[] {
  const jobs = topics.map((topic) => topicJob(job, topic));
  if (hasTablePerTopic(job)) {
    const byTable = new Map<string, string>();
    for (const each of jobs) {
      const clash = byTable.get(each.output.table.toLowerCase());
      if (clash) throw new JobDefinitionError(job.file, 'output.table', `topics ${clash} and ${each.source.topic} both give table ${each.output.table}`);
      byTable.set(each.output.table.toLowerCase(), each.source.topic);
    }
  }
  return jobs;
}
