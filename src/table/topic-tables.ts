// The tables of a many-topic job as its sink holds them, for the tools that read tables without asking Kafka
// (verify, query, hive-ddl): a shared table's topics are its state namespaces (`_sluice/topics/<topic>/`), and each
// table of a `{topic}` job names its topic in `_sluice/topic.json`, written by its first load.
import type { JobDefinition } from '../job/job-definition';
import { TOPIC_PLACEHOLDER } from '../job/job-definition';
import { hasSharedTable, hasTablePerTopic, isManyTopicJob, selects, TOPIC_NAMESPACE_DIR, topicJob, topicJobs } from '../job/job-topics';
import { joinSinkPath, Sink } from '../ports/sink';
import { STATE_DIR } from './layout';
import { jobTable, TableState } from './table-state';
import { committedSwaps, SwapRecord } from './file-swap';

/** In a `{topic}` table: which topic it holds (its name alone cannot say: `.` and `-` both became `_`). */
export const TOPIC_FILE = `${STATE_DIR}/topic.json`;

export interface TopicFile {
  topic: string;
}

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function readTopicFile(sink: Sink, table: string): Promise<string | null> {
  try {
    const parsed = JSON.parse((await sink.readFile(joinSinkPath(table, TOPIC_FILE))).toString('utf8')) as Partial<TopicFile>;
    return typeof parsed.topic === 'string' ? parsed.topic : null;
  } catch {
    return null;
  }
}

/** The topics whose state a shared table holds, sorted. */
export async function sharedTableTopics(sink: Sink, table: string): Promise<string[]> {
  const entries = await sink.list(joinSinkPath(table, `${STATE_DIR}/${TOPIC_NAMESPACE_DIR}`));
  return entries.filter((e) => e.type === 'directory').map((e) => nameOf(e.path)).sort();
}

/** The per-topic jobs of a `{topic}` job whose tables are in the sink: a directory the template names, with a topic the job selects. */
async function perTopicTablesInSink(job: JobDefinition, sink: Sink): Promise<JobDefinition[]> {
  const template = new RegExp(`^${job.output.table.split(TOPIC_PLACEHOLDER).map(escapeRegExp).join('[A-Za-z0-9_]+')}$`);
  const topics: string[] = [];
  for (const entry of await sink.list('')) {
    if (entry.type !== 'directory' || !template.test(nameOf(entry.path))) continue;
    const topic = await readTopicFile(sink, nameOf(entry.path));
    if (topic !== null && selects(job, topic)) topics.push(topic);
  }
  return topicJobs(job, topics.sort());
}

/**
 * What the readers read for a job: the job itself for a `source.topic` job; for a many-topic job, one per-topic job
 * per topic found in the sink (a shared table's topics all in one table; for a shared table nothing has loaded yet,
 * one job reading the empty table). A topic the cluster has but no load reached is not there yet.
 */
export async function topicJobsInSink(job: JobDefinition, sink: Sink): Promise<JobDefinition[]> {
  if (!isManyTopicJob(job)) return hasTablePerTopic(job) ? [topicJob(job, job.source.topic)] : [job];
  if (!hasSharedTable(job)) return perTopicTablesInSink(job, sink);
  const topics = await sharedTableTopics(sink, job.output.table);
  if (topics.length > 0) return topicJobs(job, topics);
  const empty = topicJob(job, '');
  return [{ ...empty, output: { ...empty.output, stateNamespace: undefined } }];
}

/**
 * The committed swaps (compactions, reloads) readers of a job's table must apply, each with the table state whose
 * `_sluice/swaps/` holds it (where a reload's file waits between its renames): a table's own, or for a table many
 * topics share every topic namespace's, since each topic's swaps rewrite its files in the hour directories they all
 * share. Their files never overlap (a swap replaces files of its own topic's checkpoints), so the order between
 * namespaces does not matter.
 */
export async function tableSwapsWithState(sink: Sink, job: JobDefinition): Promise<{ swap: SwapRecord; state: TableState }[]> {
  const namespace = job.output.stateNamespace;
  const states = namespace === undefined || !namespace.startsWith(`${TOPIC_NAMESPACE_DIR}/`)
    ? [jobTable(sink, job)]
    : (await sharedTableTopics(sink, job.output.table)).map((topic) => new TableState(sink, job.output.table, `${TOPIC_NAMESPACE_DIR}/${topic}`));
  const swaps: { swap: SwapRecord; state: TableState }[] = [];
  for (const state of states) for (const swap of await committedSwaps(state)) swaps.push({ swap, state });
  return swaps;
}

/**
 * Of the topics sharing a table, the one whose schema history is newest (its latest generation created last): the
 * table's columns for readers. Every topic reads with the job's schema, so the others' latest is the same or older.
 */
export async function newestSchemaJob(sink: Sink, jobs: readonly JobDefinition[]): Promise<JobDefinition> {
  let best = jobs[0];
  let bestAt = '';
  for (const job of jobs) {
    const history = await jobTable(sink, job).schemaHistory();
    const at = history[history.length - 1]?.createdAt ?? '';
    if (at > bestAt) [best, bestAt] = [job, at];
  }
  return best;
}

/** Records a `{topic}` table's topic before its first load (create-only: an existing file is kept). */
export async function recordTableTopic(sink: Sink, table: string, topic: string): Promise<void> {
  if ((await sink.status(joinSinkPath(table, TOPIC_FILE))) !== null) return;
  const staging = joinSinkPath(table, `${TOPIC_FILE}.${process.pid}.tmp`);
  await sink.writeFile(staging, Buffer.from(JSON.stringify({ topic } satisfies TopicFile) + '\n'));
  if (!(await sink.rename(staging, joinSinkPath(table, TOPIC_FILE)))) await sink.delete(staging, false);
}
