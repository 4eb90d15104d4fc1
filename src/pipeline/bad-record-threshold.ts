// The job's bad-record limit (badRecords.maxPercent, or `--max-bad-percent` for one run). A run over it commits no
// data and no checkpoint, but keeps its dead letters under `_dead_letter/_failed/<runId>/`, so that why it failed
// can be read (`sluice dead-letters --run`) without running it again.
import type { JobDefinition } from '../job/job-definition';
import { failedDeadLetterPath, failedRunDir, failedRunRecordName, FailedRunRecord } from '../table/dead-letters';
import type { RunPlan, TableStore } from '../table/table-state';
import { BadReasonGroup, describeBadReasons, mergeBadReasons } from './bad-record-tally';
import type { RangeLoadResult } from './range-loader';

export class BadRecordThresholdError extends Error {
  constructor(
    readonly bad: number,
    readonly total: number,
    readonly maxPercent: number,
    readonly reasons: BadReasonGroup[],
    /** Where the run's dead letters were kept (`dir` in the table, `where` as a user finds it), or null when keeping them failed. */
    readonly deadLetters: { runId: string; dir: string; where: string; job: string; backfill: boolean } | null,
  ) {
    // The first line stands alone (status shows it); the lines under it say why and where to look.
    const details = [...describeBadReasons(reasons)];
    // `dead-letters` reads the job's table; a backfill's dead letters are under its own output.
    if (deadLetters) {
      const command = deadLetters.backfill ? '' : ` (sluice dead-letters --job ${deadLetters.job} --run ${deadLetters.runId})`;
      details.push(`the run's dead letters: ${deadLetters.where}${command}`);
    }
    super(`${bad} of ${total} records are bad (${((bad / total) * 100).toFixed(2)}%, limit ${maxPercent}%): nothing was committed\n${details.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'BadRecordThresholdError';
  }
}

/** Over the limit: the run's dead-letter files moved out of its directory (which the failure deletes), then their record. */
async function keepFailedDeadLetters(job: JobDefinition, table: TableStore, runId: string, results: readonly RangeLoadResult[], error: string, counts: { bad: number; total: number }): Promise<void> {
  const kept: string[] = [];
  await table.sink.mkdirs(table.path(failedRunDir(runId)));
  for (const file of results.flatMap((r) => r.files.filter((f) => f.format === 'dead-letter'))) {
    const to = failedDeadLetterPath(runId, file.path);
    if (!(await table.sink.rename(table.path(table.tmpPath(runId, file.path)), table.path(to)))) throw new Error(`could not move ${file.path} of run ${runId} to ${to}`);
    kept.push(to);
  }
  const record: FailedRunRecord = {
    runId, job: job.name, failedAt: new Date().toISOString(), error, badRecords: counts.bad, records: counts.total, maxPercent: job.badRecords.maxPercent, files: kept,
  };
  // A shared table's topics run under one run id: each topic that fails keeps a record of its own.
  await table.writeJsonOnce(`${failedRunDir(runId)}/${failedRunRecordName(table.stateNamespace === null ? null : job.source.topic)}`, record);
}

/** Throws BadRecordThresholdError (its dead letters kept) when the run's bad records are over the job's limit. */
export async function enforceBadRecordLimit(job: JobDefinition, table: TableStore, kind: RunPlan['kind'], runId: string, results: readonly RangeLoadResult[], log: (line: string) => void): Promise<void> {
  const bad = results.reduce((sum, r) => sum + r.badRecords, 0);
  const total = bad + results.reduce((sum, r) => sum + r.records, 0);
  if (bad === 0 || (bad / total) * 100 <= job.badRecords.maxPercent) return;
  const reasons = mergeBadReasons(results.map((r) => r.badReasons));
  const dir = failedRunDir(runId);
  const unkept = new BadRecordThresholdError(bad, total, job.badRecords.maxPercent, reasons, null);
  try {
    await keepFailedDeadLetters(job, table, runId, results, unkept.message, { bad, total });
  } catch (error) {
    log(`could not keep the failed run's dead letters under ${dir}: ${(error as Error).message}`);
    throw unkept;
  }
  throw new BadRecordThresholdError(bad, total, job.badRecords.maxPercent, reasons, { runId, dir, where: `${table.describe()}/${dir}/`, job: job.name, backfill: kind === 'backfill' });
}
