import type { JobDefinition } from '../job/job-definition';
import type { LoadSummary } from '../pipeline/load-summary';
import { describeBadReasons } from '../pipeline/bad-record-tally';
import { CommandLineError } from './exit-codes';

// Options `load` and `backfill` share beyond the job: the bad-record limit of one run, and how its reasons print.

export const maxBadPercentOption = { type: 'number', describe: 'for this run, the share of bad records (0-100) above which it fails, instead of the job\'s badRecords.maxPercent' } as const;

export function checkMaxBadPercent(args: { 'max-bad-percent'?: number }): true {
  const percent = args['max-bad-percent'];
  if (percent !== undefined && !(percent >= 0 && percent <= 100)) throw new CommandLineError(`--max-bad-percent must be a number from 0 to 100, not ${percent}`);
  return true;
}

/** The job with `--max-bad-percent` in place of its badRecords.maxPercent, for one run. */
export function withMaxBadPercent(job: JobDefinition, percent: number | undefined): JobDefinition {
  return percent === undefined ? job : { ...job, badRecords: { ...job.badRecords, maxPercent: percent } };
}

/** The lines saying a run's committed bad records by reason, and where to read them. */
export function badReasonLines(job: JobDefinition, summary: LoadSummary): string[] {
  const reasons = summary.badReasons ?? [];
  if (reasons.length === 0) return [];
  return [`  bad records by reason (sluice dead-letters --job ${job.name}):`, ...describeBadReasons(reasons).map((line) => `    ${line}`)];
}
