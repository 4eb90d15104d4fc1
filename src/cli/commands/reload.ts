import type { Argv } from 'yargs';
import { parsePartitionList } from '../../pipeline/partition-selection';
import { NothingToReloadError, parseHourSpan, ReloadOffsetsGoneError, ReloadRequest, ReloadSummary, runReload } from '../../pipeline/reload';
import type { JobDefinition } from '../../job/job-definition';
import { describeSelection, isManyTopicJob } from '../../job/job-topics';
import { eachTopic, exitOfTopics, jobsOfTopics, TopicArgs, TopicOutcome, TopicRequiredError, withTopicOption } from '../topic-option';
import type { CommandIO } from '../io';
import { CommandLineError, EXIT } from '../exit-codes';
import { SecurityArgs, withSecurityOptions } from '../client-options';
import { BootstrapArgs, JobArgs, loadJobFromArgs, withBootstrapOverride, withJobOption } from '../job-option';

interface ReloadArgs extends SecurityArgs, JobArgs, BootstrapArgs, TopicArgs {
  hours: string;
  partitions?: string;
  json: boolean;
}

export const command = 'reload';
export const describe = 'Write an hour\'s files again from Kafka, as the load wrote them, and swap them in (offsets must still be in Kafka)';

export function builder(yargs: Argv): Argv<ReloadArgs> {
  return withTopicOption(withBootstrapOverride(withJobOption(withSecurityOptions(yargs))))
    .option('hours', { type: 'string', demandOption: true, describe: 'an hour, 2026-11-21T05, or a range, 2026-11-21T05..2026-11-21T07 (both included), in the job\'s time zone' })
    .option('partitions', { type: 'string', describe: 'only these partitions, e.g. 0,2-5' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with the result' })
    .check((args) => {
      try {
        parseHourSpan(String(args.hours));
      } catch (error) {
        throw new CommandLineError((error as Error).message);
      }
      return true;
    }) as Argv<ReloadArgs>;
}

function printReload(summary: ReloadSummary, io: CommandIO, who: string): void {
  const s = (n: number) => (n === 1 ? '' : 's');
  io.out(`${who}: reload ${summary.runId} replaced ${summary.files} file${s(summary.files)} (${summary.records} record${s(summary.records)}) of ${summary.hours.join(', ')} in ${summary.table}`);
  for (const r of summary.ranges) {
    io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end} re-read, ${r.records} record${s(r.records)} into ${r.files.map((f) => f.path).join(', ')}`);
  }
}

const failureJson = (error: Error) => ({
  status: error instanceof ReloadOffsetsGoneError ? 'refused' : 'failed', error: error.message,
  ...(error instanceof ReloadOffsetsGoneError ? { missing: error.missing } : {}),
});

export async function handler(args: ReloadArgs, io: CommandIO): Promise<number> {
  const job = loadJobFromArgs(args);
  const hours = parseHourSpan(args.hours);
  if (isManyTopicJob(job) && args.partitions && args.topic === undefined) {
    throw new TopicRequiredError('reload', job.name, describeSelection(job), '--partitions takes the partitions of one topic');
  }
  const partitions = args.partitions ? parsePartitionList(args.partitions) : undefined;
  const jobs = await jobsOfTopics(job, 'reload', args.topic);
  if (isManyTopicJob(job)) return reloadTopics(job, jobs, { hours, partitions }, args.json, io);
  let summary;
  try {
    summary = await runReload(jobs[0], { hours, partitions }, { log: (line) => io.err(line) });
  } catch (error) {
    if (args.json) io.out(JSON.stringify({ ...failureJson(error as Error), job: job.name, hours }));
    throw error;
  }
  if (args.json) {
    io.out(JSON.stringify({ status: 'reloaded', ...summary }));
    return 0;
  }
  printReload(summary, io, job.name);
  return 0;
}

/**
 * Every topic's table (or namespace of the shared table) with files in the hours, each reloaded on its own: a topic
 * with nothing in them is skipped, one refused or failed leaves the others reloaded (exit 1), and nothing to reload
 * in any topic is the failure it is for a one-topic job.
 */
async function reloadTopics(job: JobDefinition, jobs: JobDefinition[], request: ReloadRequest, json: boolean, io: CommandIO): Promise<number> {
  const outcomes = await eachTopic(jobs, (each) => runReload(each, request, { log: (line) => io.err(`topic ${each.source.topic}: ${line}`) }));
  const nothing = (o: TopicOutcome<ReloadSummary>) => 'error' in o && o.error instanceof NothingToReloadError;
  const done = outcomes.filter((o) => !nothing(o));
  const noneAnywhere = done.length === 0 ? nothingAnywhere(job, jobs, request) : null;
  if (json) {
    io.out(JSON.stringify({
      status: noneAnywhere ? 'failed' : done.every((o) => 'result' in o) ? 'reloaded' : 'failed', job: job.name, hours: request.hours,
      ...(noneAnywhere ? { error: noneAnywhere } : {}),
      topics: outcomes.map((o) => ({
        topic: o.job.source.topic,
        ...('result' in o ? { status: 'reloaded', ...o.result } : nothing(o) ? { status: 'nothing', error: o.error.message } : failureJson(o.error)),
        table: o.job.output.table,
      })),
    }));
  } else {
    for (const o of outcomes) {
      const who = `${job.name} topic ${o.job.source.topic}`;
      if ('result' in o) printReload(o.result, io, who);
      else if (nothing(o)) io.out(`${who}: nothing in hours ${request.hours.from}..${request.hours.to}`);
      else io.err(`${who}: ${o.error.message}`);
    }
    if (noneAnywhere) io.err(`sluice: ${noneAnywhere}`);
  }
  if (noneAnywhere) return EXIT.FAILED;
  return exitOfTopics(done);
}

/** What a many-topic reload that found nothing anywhere says. */
function nothingAnywhere(job: JobDefinition, jobs: JobDefinition[], request: ReloadRequest): string {
  const where = jobs.length === 0 ? `no table of ${describeSelection(job)} has been loaded yet` : `no topic of job ${job.name} (${jobs.map((j) => j.source.topic).join(', ')}) has a committed file in hours ${request.hours.from}..${request.hours.to}`;
  return `${where}: nothing to reload`;
}
