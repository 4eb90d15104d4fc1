import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { JobDefinition, JobOverrides, loadJobDefinition } from '../../job/job-definition';
import { jobStatuses, JobStatus } from '../../status/job-status';
import { renderJobStatus } from '../../status/render';
import { describeBreach, lagBreaches, LagThresholds } from '../../status/lag-thresholds';
import type { CommandIO } from '../io';
import { CommandLineError } from '../exit-codes';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';
import { BootstrapArgs, bootstrapOverride, JobsDirArgs, resolveJobFile, withBootstrapOverride, withJobsDirOption } from '../job-option';

interface StatusArgs extends SecurityArgs, JobsDirArgs, BootstrapArgs {
  job?: string;
  json: boolean;
  runs: number;
  'max-lag-records'?: number;
  'max-lag-seconds'?: number;
}

export const command = 'status';
export const describe = 'Show each job\'s last runs, lag per partition, complete hours and dead letters';

export function builder(yargs: Argv): Argv<StatusArgs> {
  return withBootstrapOverride(withJobsDirOption(withSecurityOptions(yargs)))
    .option('job', { type: 'string', describe: 'only this job: a job file, or a job\'s name (or file name without .json) in --jobs' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' })
    .option('runs', { type: 'number', default: 5, describe: 'how many recent runs to show per job' })
    .option('max-lag-records', { type: 'number', describe: 'exit 1 when a partition lags more records than this (a check for cron or Nagios)' })
    .option('max-lag-seconds', { type: 'number', describe: 'exit 1 when a partition\'s oldest record not loaded is older than this' })
    .check((argv) => {
      for (const key of ['max-lag-records', 'max-lag-seconds'] as const) {
        const value = argv[key];
        if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new CommandLineError(`--${key} must be a number ≥ 0, not ${String(value)}`);
      }
      return true;
    }) as Argv<StatusArgs>;
}

/** --jobs or --job names nothing that can be shown. */
export class JobSelectionError extends Error {
  constructor(option: string, value: string, detail: string) {
    super(`${option} ${value}: ${detail}`);
    this.name = 'JobSelectionError';
  }
}

interface JobFileProblem {
  file: string;
  error: string;
}

function readJobs(dir: string, wanted: string | undefined, overrides: JobOverrides): { jobs: JobDefinition[]; problems: JobFileProblem[] } {
  if (wanted) {
    const file = resolveJobFile(wanted, dir);
    try {
      return { jobs: [loadJobDefinition(file, overrides)], problems: [] };
    } catch (error) {
      return { jobs: [], problems: [{ file, error: (error as Error).message }] };
    }
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new JobSelectionError('--jobs', dir, 'not a folder of job definitions');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
  const jobs: JobDefinition[] = [];
  const problems: JobFileProblem[] = [];
  for (const file of files) {
    try {
      jobs.push(loadJobDefinition(file, overrides));
    } catch (error) {
      problems.push({ file, error: (error as Error).message });
    }
  }
  return { jobs, problems };
}

/** ANSI colour on a terminal only, and never with NO_COLOR set (no-color.org). */
function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Exit status 1 when a broker could not be asked or a job file could not be read; everything else is still shown. */
export async function handler(args: StatusArgs, io: CommandIO): Promise<number> {
  const { jobs, problems } = readJobs(args.jobs, args.job, { bootstrap: bootstrapOverride(args) });
  const statuses: JobStatus[] = [];
  for (const job of jobs) statuses.push(...(await jobStatuses(withCommandLineSecurity(job, args), { runs: args.runs })));
  const thresholds: LagThresholds = { maxLagRecords: args['max-lag-records'] ?? null, maxLagSeconds: args['max-lag-seconds'] ?? null };
  const breaches = statuses.flatMap((s) => lagBreaches(s, thresholds));
  const ok = problems.length === 0 && breaches.length === 0 && statuses.every((s) => s.broker.reachable && !s.broker.error);
  if (args.json) {
    io.out(JSON.stringify({ generatedAt: new Date().toISOString(), ok, jobs: statuses, problems, thresholds, breaches }, null, 2));
    return ok ? 0 : 1;
  }
  for (const [i, status] of statuses.entries()) {
    if (i > 0) io.out('');
    for (const line of renderJobStatus(status, { color: useColor() })) io.out(line);
  }
  for (const problem of problems) io.err(`cannot read ${problem.error}`);
  for (const breach of breaches) io.err(describeBreach(breach, thresholds));
  return ok ? 0 : 1;
}
