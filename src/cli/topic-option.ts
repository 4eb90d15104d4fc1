// `--topic` for the job commands that work on a many-topic job's tables (compact, reload, dead-letters, ack-gap,
// backfill, load --partitions), and running such a command once per topic with one outcome per topic.
import type { Argv } from 'yargs';
import type { JobDefinition } from '../job/job-definition';
import { describeSelection, hasTablePerTopic, isManyTopicJob, selects, topicJob } from '../job/job-topics';
import { openSink } from '../connector-factory';
import { topicJobsInSink } from '../table/topic-tables';
import { JobLockedError } from '../table/lock';
import { JobUsageError } from './job-option';
import { EXIT } from './exit-codes';

export interface TopicArgs {
  topic?: string;
}

export function withTopicOption<T>(yargs: Argv<T>, describe = 'only this topic of a job of source.topics or source.topicPattern (default: every topic)'): Argv<T & TopicArgs> {
  return yargs.option('topic', { type: 'string', describe }) as Argv<T & TopicArgs>;
}

/** `--topic` names a topic the job does not have (in its tables, or in its selection). */
export class UnknownTopicError extends JobUsageError {
  constructor(readonly command: string, readonly job: string, readonly topic: string, known: string) {
    super(`sluice ${command}: --topic ${topic}: job ${job} has no such topic (${known})`);
    this.name = 'UnknownTopicError';
  }
}

/** A command that works on one topic was given a many-topic job without `--topic`. */
export class TopicRequiredError extends JobUsageError {
  constructor(readonly command: string, readonly job: string, selection: string, what: string) {
    super(`sluice ${command}: job ${job} reads ${selection}; ${what}: name one with --topic TOPIC`);
    this.name = 'TopicRequiredError';
  }
}

const knownList = (topics: string[]) => (topics.length > 0 ? `its topics in the sink: ${topics.join(', ')}` : 'no topic of it has been loaded yet');

/**
 * The per-topic jobs a command works on, from the tables in the job's sink: every topic's, or the one `--topic`
 * names. A `source.topic` job is its own one (with a `{topic}` table name filled in).
 */
export async function jobsOfTopics(job: JobDefinition, command: string, topic: string | undefined): Promise<JobDefinition[]> {
  if (!isManyTopicJob(job)) return [ownTopicJob(job, command, topic)];
  const found = (await topicJobsInSink(job, openSink(job.output.sink))).filter((each) => each.source.topic !== '');
  if (topic === undefined) return found;
  const chosen = found.filter((each) => each.source.topic === topic);
  if (chosen.length === 0) throw new UnknownTopicError(command, job.name, topic, knownList(found.map((each) => each.source.topic)));
  return chosen;
}

/** A `source.topic` job as the command runs it: `--topic`, if given, must be its topic. */
function ownTopicJob(job: JobDefinition, command: string, topic: string | undefined): JobDefinition {
  if (topic !== undefined && topic !== job.source.topic) throw new UnknownTopicError(command, job.name, topic, `it reads source.topic ${job.source.topic}`);
  return hasTablePerTopic(job) ? topicJob(job, job.source.topic) : job;
}

/**
 * The one topic's job of a command that works on one topic (backfill, load --partitions): `--topic` is
 * required for a many-topic job and must be a topic its selection takes.
 */
export function jobOfTopic(job: JobDefinition, command: string, topic: string | undefined, what: string): JobDefinition {
  if (!isManyTopicJob(job)) return ownTopicJob(job, command, topic);
  if (topic === undefined) throw new TopicRequiredError(command, job.name, describeSelection(job), what);
  if (!selects(job, topic)) throw new UnknownTopicError(command, job.name, topic, `it reads ${describeSelection(job)}`);
  return topicJob(job, topic);
}

/** What one topic's part of a command came to: its result, or why it failed (a lock another run holds, or an error). */
export type TopicOutcome<T> = { job: JobDefinition; result: T } | { job: JobDefinition; error: Error };

/** Runs `work` for each topic's job in turn; one failing does not stop the others. */
export async function eachTopic<T>(jobs: readonly JobDefinition[], work: (job: JobDefinition) => Promise<T>): Promise<TopicOutcome<T>[]> {
  const outcomes: TopicOutcome<T>[] = [];
  for (const job of jobs) {
    try {
      outcomes.push({ job, result: await work(job) });
    } catch (error) {
      outcomes.push({ job, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return outcomes;
}

/** 1 when a topic failed, else 4 when a topic's lock was held by another run, else 0. */
export function exitOfTopics(outcomes: readonly TopicOutcome<unknown>[]): number {
  const errors = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
  if (errors.some((e) => !(e instanceof JobLockedError))) return EXIT.FAILED;
  return errors.length > 0 ? EXIT.LOCKED : EXIT.OK;
}
