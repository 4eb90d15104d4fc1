import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cron from 'node-cron';
import { JobDefinition, JobDefinitionError, JobOverrides, loadJobDefinition } from '../job/job-definition';

/** A job with a cron expression that node-cron accepts. */
export interface ScheduledJob {
  job: JobDefinition;
  cron: string;
}

/** A job file that could not be used, with why (the message names the file and the key). */
export interface BrokenJob {
  file: string;
  message: string;
}

export interface JobCatalog {
  scheduled: ScheduledJob[];
  unscheduled: JobDefinition[];
  broken: BrokenJob[];
}

export class JobSelectionError extends Error {
  constructor(readonly missing: string[], readonly dir: string, readonly known: string[]) {
    super(`no job named ${missing.join(', ')} in ${dir} (jobs there: ${known.length > 0 ? known.join(', ') : 'none'})`);
    this.name = 'JobSelectionError';
  }
}

export class JobDirectoryError extends Error {
  constructor(readonly dir: string, detail: string) {
    super(`${dir}: ${detail}`);
    this.name = 'JobDirectoryError';
  }
}

function checkCron(job: JobDefinition, expression: string): void {
  const checked = cron.validateDetailed(expression);
  if (checked.valid) return;
  const why = checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  throw new JobDefinitionError(job.file, 'schedule', `${JSON.stringify(expression)} is not a cron expression (${why || 'unreadable'})`);
}

const isJobFile = (given: string) => fs.existsSync(given) && fs.statSync(given).isFile();

/**
 * Reads every `*.json` job in `dir`. A broken file does not stop the others: it is returned in `broken`.
 * `only` selects jobs by name (or by file name without `.json`), or names job files by path (which may lie outside
 * `dir`); naming a job that is not there is an error. `overrides` (the command line's) go over every job.
 */
export function loadJobCatalog(dir: string, only: string[] = [], overrides: JobOverrides = {}): JobCatalog {
  const paths = only.filter(isJobFile);
  const names = only.filter((want) => !paths.includes(want));
  let files: string[] = [];
  if (only.length === 0 || names.length > 0) {
    try {
      files = fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort().map((name) => path.join(dir, name));
    } catch (error) {
      throw new JobDirectoryError(dir, `cannot be read as a directory of job files (${(error as Error).message})`);
    }
  }
  const given = new Set(paths.map((file) => path.resolve(file)));
  files = [...paths, ...files.filter((file) => !given.has(path.resolve(file)))];
  const loaded: { job: JobDefinition; base: string; file: string }[] = [];
  let broken: BrokenJob[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    try {
      const job = loadJobDefinition(file, overrides);
      const earlier = seen.get(job.name);
      if (earlier) throw new JobDefinitionError(file, 'name', `${JSON.stringify(job.name)} is already the name of ${earlier}`);
      seen.set(job.name, file);
      if (job.schedule !== null) checkCron(job, job.schedule);
      loaded.push({ job, base: path.basename(file, '.json'), file });
    } catch (error) {
      if (!(error instanceof JobDefinitionError)) throw error;
      broken.push({ file, message: error.message });
    }
  }
  let selected = loaded;
  if (only.length > 0) {
    // A broken file can only be selected by its file name or path: its job name may be what is broken.
    const givenPath = (file: string) => paths.includes(file);
    const byFileName = (file: string) => names.includes(path.basename(file, '.json'));
    selected = loaded.filter((entry) => givenPath(entry.file) || names.includes(entry.job.name) || byFileName(entry.file));
    broken = broken.filter((b) => givenPath(b.file) || byFileName(b.file));
    const found = new Set([...selected.flatMap((e) => [e.job.name, e.base]), ...broken.map((b) => path.basename(b.file, '.json'))]);
    const missing = names.filter((want) => !found.has(want));
    if (missing.length > 0) throw new JobSelectionError(missing, dir, loaded.map((entry) => entry.job.name));
  }
  return {
    scheduled: selected.filter((e) => e.job.schedule !== null).map((e) => ({ job: e.job, cron: e.job.schedule! })),
    unscheduled: selected.filter((e) => e.job.schedule === null).map((e) => e.job),
    broken,
  };
}
