import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { JobDefinition, loadJobDefinition } from '../../job/job-definition';
import { jobStatuses, JobStatus } from '../../status/job-status';
import { renderJobStatus } from '../../status/render';
import { describeBreach, lagBreaches, LagThresholds } from '../../status/lag-thresholds';
import type { CommandIO } from '../io';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface StatusArgs extends SecurityArgs {
  jobs: string;
  job?: string;
  json: boolean;
  runs: number;
  'max-lag-records'?: number;
  'max-lag-seconds'?: number;
}

export const command = 'status';
export const describe = 'Show each job\'s last runs, lag per partition, complete hours and dead letters';

export function builder(yargs: Argv): Argv<StatusArgs> {
  return withSecurityOptions(yargs)
    .option('jobs', { type: 'string', default: 'jobs', describe: 'the folder of job definitions' })
    .option('job', { type: 'string', describe: 'only the job with this name (or file name without .json)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' })
    .option('runs', { type: 'number', default: 5, describe: 'how many recent runs to show per job' })
    .option('max-lag-records', { type: 'number', describe: 'exit 1 when a partition lags more records than this (a check for cron or Nagios)' })
    .option('max-lag-seconds', { type: 'number', describe: 'exit 1 when a partition\'s oldest record not loaded is older than this' })
    .check((argv) => {
      for (const key of ['max-lag-records', 'max-lag-seconds'] as const) {
        const value = argv[key];
        if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new Error(`--${key} must be a number ≥ 0, not ${String(value)}`);
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

function readJobs(dir: string, wanted: string | undefined): { jobs: JobDefinition[]; problems: JobFileProblem[] } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new JobSelectionError('--jobs', dir, 'not a folder of job definitions');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
  const jobs: JobDefinition[] = [];
  const problems: JobFileProblem[] = [];
  for (const file of files) {
    try {
      jobs.push(loadJobDefinition(file));
    } catch (error) {
      if (!wanted || path.basename(file, '.json') === wanted) problems.push({ file, error: (error as Error).message });
    }
  }
  if (!wanted) return { jobs, problems };
  const chosen = jobs.filter((j) => j.name === wanted || path.basename(j.file, '.json') === wanted);
  if (chosen.length === 0 && problems.length === 0) throw new JobSelectionError('--job', wanted, `no such job in ${dir} (there: ${jobs.map((j) => j.name).join(', ') || 'none'})`);
  return { jobs: chosen, problems };
}

/** ANSI colour on a terminal only, and never with NO_COLOR set (no-color.org). */
function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Exit status 1 when a broker could not be asked or a job file could not be read; everything else is still shown. */
export async function handler(args: StatusArgs, io: CommandIO): Promise<number> {
  const { jobs, problems } = readJobs(args.jobs, args.job);
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
