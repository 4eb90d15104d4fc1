import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { badBootstrapEntry, JobDefinition, loadJobDefinition } from '../job/job-definition';
import { SecurityArgs, withCommandLineSecurity } from './client-options';

// The one place `--job`, `--jobs` and a job's `--bootstrap-server` are read, so every job command speaks the same
// language: `--job` is a job file's path or a job's name (its "name" key, or its file name without .json) in
// `--jobs DIR`. Commands that add options later (compact, reload, dead-letters, ...) call the same builders.

export const DEFAULT_JOBS_DIR = 'jobs';

export interface JobsDirArgs {
  jobs: string;
}

export interface JobArgs extends JobsDirArgs {
  job: string;
}

export interface BootstrapArgs {
  'bootstrap-server'?: string;
}

const looksLikePath = (text: string) => text.includes('/') || text.includes(path.sep) || text.endsWith('.json');

/** `--job` names no file and no job in `--jobs`. */
export class JobNotFoundError extends Error {
  constructor(readonly wanted: string, readonly dir: string, readonly known: string[]) {
    super(looksLikePath(wanted)
      ? `--job ${wanted}: no such file (${path.resolve(wanted)})`
      : `--job ${wanted}: no such job file, and no job named ${JSON.stringify(wanted)} in ${dir} (jobs there: ${known.length > 0 ? known.join(', ') : 'none'})`);
    this.name = 'JobNotFoundError';
  }
}

/** `--bootstrap-server` that is not a host:port list. */
export class BootstrapOptionError extends Error {
  constructor(readonly entry: string) {
    super(`--bootstrap-server: ${JSON.stringify(entry)} is not host:port (a port from 1 to 65535)`);
    this.name = 'BootstrapOptionError';
  }
}

/** Two job files in `--jobs` answer to the same name. */
export class AmbiguousJobError extends Error {
  constructor(readonly wanted: string, readonly files: string[]) {
    super(`--job ${wanted}: more than one job file answers to this name (${files.join(', ')}); give the file's path`);
    this.name = 'AmbiguousJobError';
  }
}

const JOB_DESCRIBE = 'a job file (jobs/page_views.json) or a job\'s name (page_views), looked up in --jobs';

export function withJobsDirOption<T>(yargs: Argv<T>): Argv<T & JobsDirArgs> {
  return yargs.option('jobs', { type: 'string', default: DEFAULT_JOBS_DIR, describe: 'the directory of job definitions where --job names are found' }) as Argv<T & JobsDirArgs>;
}

/** `--job` (required) and `--jobs`. */
export function withJobOption<T>(yargs: Argv<T>): Argv<T & JobArgs> {
  return withJobsDirOption(yargs).option('job', { type: 'string', demandOption: true, describe: JOB_DESCRIBE }) as unknown as Argv<T & JobArgs>;
}

/** `--bootstrap-server`, which replaces the job's `source.bootstrap`. */
export function withBootstrapOverride<T>(yargs: Argv<T>): Argv<T & BootstrapArgs> {
  return yargs.option('bootstrap-server', { type: 'string', describe: 'host:port[,host:port] of the cluster, instead of the job\'s source.bootstrap' }) as Argv<T & BootstrapArgs>;
}

/** The `name` of a job file, without checking the rest of it; null when the file is not a JSON object with one. */
function nameInFile(file: string): string | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    const name = parsed !== null && typeof parsed === 'object' ? (parsed as { name?: unknown }).name : undefined;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

/** The job files of a directory, sorted; none when it is not a directory. */
function jobFilesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/**
 * The file `--job` means: an existing file as given, else the one job file in `dir` whose "name" (or whose file name
 * without .json) is `wanted`. A file that is broken is still found by its file name, so its own error is shown.
 */
export function resolveJobFile(wanted: string, dir: string = DEFAULT_JOBS_DIR): string {
  if (fs.existsSync(wanted) && fs.statSync(wanted).isFile()) return wanted;
  const files = jobFilesIn(dir);
  const names = new Map(files.map((file) => [file, nameInFile(file)]));
  const matching = files.filter((file) => names.get(file) === wanted || path.basename(file, '.json') === wanted);
  if (matching.length === 1) return matching[0];
  if (matching.length > 1) throw new AmbiguousJobError(wanted, matching);
  const known = [...names.values()].filter((name): name is string => name !== null);
  throw new JobNotFoundError(wanted, dir, [...new Set(known)].sort());
}

/** The job `--job` names, checked, with the command line's `--bootstrap-server` and security flags over its own. */
export function loadJobFromArgs(args: JobArgs & BootstrapArgs & Partial<SecurityArgs>): JobDefinition {
  return withCommandLineSecurity(loadJobDefinition(resolveJobFile(args.job, args.jobs), { bootstrap: bootstrapOverride(args) }), args);
}

/** `--bootstrap-server`, checked; undefined when not given. */
export function bootstrapOverride(args: BootstrapArgs): string | undefined {
  const bootstrap = args['bootstrap-server'];
  if (bootstrap === undefined || bootstrap === '') return undefined;
  const bad = badBootstrapEntry(bootstrap);
  if (bad !== null) throw new BootstrapOptionError(bad);
  return bootstrap;
}

/** A job command's options do not fit the job (a many-topic job's `--topic`, see topic-option.ts): a usage error, printed without the help. */
export class JobUsageError extends Error {}
