import type { Argv } from 'yargs';
import { LoadSummary, runLoad } from '../../pipeline/load-job';
import { describeSelection } from '../../job/job-topics';
import type { ManyTopicLoadSummary } from '../../pipeline/load-summary';
import { parsePartitionList, parseShard, shardPartitions } from '../../pipeline/partition-selection';
import { openRecordSource, sinkDescription } from '../../connector-factory';
import type { JobDefinition } from '../../job/job-definition';
import { stopOnSignals } from '../../schedule/stop-signals';
import { plural } from '../../common/plural';
import type { CommandIO } from '../io';
import { SecurityArgs, withSecurityOptions } from '../client-options';
import { BootstrapArgs, JobArgs, loadJobFromArgs, withBootstrapOverride, withJobOption } from '../job-option';
import { failedResult, jobOrFailedJson, printJson, progressOnTerminal, rangeLine, RunResult, runResult } from '../run-result';
import { badReasonLines, checkMaxBadPercent, maxBadPercentOption, withMaxBadPercent } from '../run-options';
import { EXIT } from '../exit-codes';
import { jobOfTopic, TopicArgs, withTopicOption } from '../topic-option';

export { badReasonLines, checkMaxBadPercent, maxBadPercentOption, withMaxBadPercent } from '../run-options';

interface LoadArgs extends SecurityArgs, JobArgs, BootstrapArgs, TopicArgs {
  'dry-run': boolean;
  partitions?: string;
  shard?: string;
  json: boolean;
  'max-bad-percent'?: number;
}

export const command = 'load';
export const describe = 'Load what is new in every partition into the job\'s table, exactly once';

export function builder(yargs: Argv): Argv<LoadArgs> {
  return withTopicOption(withBootstrapOverride(withJobOption(withSecurityOptions(yargs))), 'only this topic of a job of source.topics or source.topicPattern (needed there for --partitions and --shard)')
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan and stop' })
    .option('partitions', { type: 'string', describe: 'only these partitions, e.g. 0,2-5' })
    .option('shard', { type: 'string', describe: 'only partitions p with p mod N = i, written i/N' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document: the run\'s result' })
    .option('max-bad-percent', maxBadPercentOption)
    .conflicts('partitions', 'shard')
    .check(checkMaxBadPercent) as Argv<LoadArgs>;
}

export async function selectedPartitions(job: JobDefinition, args: { partitions?: string; shard?: string }): Promise<number[] | undefined> {
  if (args.partitions) return parsePartitionList(args.partitions);
  if (!args.shard) return undefined;
  const shard = parseShard(args.shard);
  const source = await openRecordSource(job.source.bootstrap, job.source.topic, { security: job.source.security });
  try {
    return shardPartitions(await source.partitions(), shard);
  } finally {
    source.close();
  }
}

const GAPS_MESSAGE = 'loaded with gaps: offsets were deleted by retention before they were loaded; the hours they may touch stay without _SUCCESS and verify fails until each gap is acknowledged (sluice ack-gap)';

export async function handler(args: LoadArgs, io: CommandIO): Promise<number> {
  const job = withMaxBadPercent(jobOrFailedJson(args, 'load', io, () => loadJobFromArgs(args)), args['max-bad-percent']);
  // With --json stdout holds the one document; what a person reads goes to stderr.
  const say = args.json ? io.err : io.out;
  say(`${job.name}: ${describeSelection(job)} → table ${job.output.table} in ${sinkDescription(job.output.sink)}`);
  // --partitions and --shard name the partitions of one topic: a many-topic job needs --topic with them.
  const topicJob = args.topic !== undefined || args.partitions || args.shard ? jobOfTopic(job, 'load', args.topic, '--partitions and --shard take the partitions of one topic') : job;
  // SIGTERM/SIGINT: reading stops and the run commits what it has read (a second signal ends the process).
  const stop = stopOnSignals((signal) => io.err(`${signal}: stopping; the run commits what it has read`));
  const progress = progressOnTerminal();
  const log = (line: string) => {
    progress.clear();
    io.err(line);
  };
  let summary: LoadSummary;
  try {
    const partitions = await selectedPartitions(topicJob, args);
    summary = await runLoad(job, { partitions, topic: args.topic, dryRun: args['dry-run'], log, signal: stop.signal, onPlan: progress.onPlan, onProgress: progress.onProgress });
  } catch (error) {
    if (args.json) printJson(io, failedResult(job, 'load', error));
    throw error;
  } finally {
    progress.done();
    stop.release();
  }
  if ('topics' in summary) return printTopicRuns(job, summary as ManyTopicLoadSummary, args.json, io);
  const result = runResult(job, 'load', summary);
  if (args.json) {
    printJson(io, result);
    return result.gaps > 0 ? EXIT.LOADED_WITH_GAPS : EXIT.OK;
  }
  printRun(job, summary, result, io);
  if (result.gaps > 0) {
    io.err(`${job.name}: ${GAPS_MESSAGE}`);
    return EXIT.LOADED_WITH_GAPS;
  }
  return EXIT.OK;
}

function printRun(job: JobDefinition, summary: LoadSummary, result: RunResult, io: CommandIO, name = job.name): void {
  if (summary.dryRun) {
    io.out(`plan for ${name} (${result.topic} → ${result.table}):`);
    for (const r of result.plan) io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end} (${plural(r.records, 'record')})`);
    return;
  }
  if (result.ranges.length === 0) {
    io.out(`${name}: nothing new to load`);
    return;
  }
  const gaps = result.gaps > 0 ? `, with ${plural(result.gaps, 'gap')}` : '';
  io.out(`${name}: run ${summary.runId} committed${gaps}: ${plural(result.records, 'record')}, ${result.badRecords} bad, ${plural(result.files, 'file')}`);
  for (const r of result.ranges) io.out(rangeLine(r));
  for (const line of badReasonLines(job, summary)) io.out(line);
}

/** Per topic of a many-topic job: its plan, or what its run committed; with --json one document holding each topic's. */
function printTopicRuns(job: JobDefinition, summary: ManyTopicLoadSummary, json: boolean, io: CommandIO): number {
  const results = summary.topics.map((run) => ({ run, result: runResult({ ...job, source: { ...job.source, topic: run.topic }, output: { ...job.output, table: run.table } }, 'load', run) }));
  const gaps = results.reduce((total, { result }) => total + result.gaps, 0);
  if (json) {
    printJson(io, { job: job.name, kind: 'load', selection: describeSelection(job), topics: results.map(({ result }) => result), missingTopics: summary.missingTopics });
  } else {
    for (const { run, result } of results) printRun(job, run, result, io, `topic ${run.topic} → table ${run.table}`);
    for (const topic of summary.missingTopics) io.out(`topic ${topic}: does not exist, skipped`);
    if (summary.topics.length === 0 && summary.missingTopics.length === 0) io.out(`${job.name}: no topic matches ${describeSelection(job)}`);
    if (gaps > 0) io.err(`${job.name}: ${GAPS_MESSAGE}`);
  }
  return gaps > 0 ? EXIT.LOADED_WITH_GAPS : EXIT.OK;
}
