import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { JobDefinition, loadJobDefinition } from '../../job/job-definition';
import { jobStatuses, JobStatus } from '../../status/job-status';
import { renderJobStatus } from '../../status/render';
import type { CommandIO } from '../io';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface StatusArgs extends SecurityArgs {
  jobs: string;
  job?: string;
  json: boolean;
  runs: number;
}

export const command = 'status';
export const describe = 'Show each job\'s last runs, lag per partition, complete hours and dead letters';

export function builder(yargs: Argv): Argv<StatusArgs> {
  return withSecurityOptions(yargs)
    .option('jobs', { type: 'string', default: 'jobs', describe: 'the folder of job definitions' })
    .option('job', { type: 'string', describe: 'only the job with this name (or file name without .json)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' })
    .option('runs', { type: 'number', default: 5, describe: 'how many recent runs to show per job' }) as Argv<StatusArgs>;
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

/** Exit status 1 when a broker could not be asked or a job file could not be read; everything else is still shown. */
export async function handler(args: StatusArgs, io: CommandIO): Promise<number> {
  const { jobs, problems } = readJobs(args.jobs, args.job);
  const statuses: JobStatus[] = [];
  for (const job of jobs) statuses.push(...(await jobStatuses(withCommandLineSecurity(job, args), { runs: args.runs })));
  const ok = problems.length === 0 && statuses.every((s) => s.broker.reachable && !s.broker.error);
  if (args.json) {
    io.out(JSON.stringify({ generatedAt: new Date().toISOString(), ok, jobs: statuses, problems }, null, 2));
    return ok ? 0 : 1;
  }
  for (const [i, status] of statuses.entries()) {
    if (i > 0) io.out('');
    for (const line of renderJobStatus(status)) io.out(line);
  }
  for (const problem of problems) io.err(`cannot read ${problem.error}`);
  return ok ? 0 : 1;
}
