import type { RecoveryOutcome } from '../table/commit';
import type { BadReasonGroup } from './bad-record-tally';
import type { PlannedRange, RangeCheckpoint } from '../table/table-state';

/** What a run did; its own module so that run-recorder.ts, which load-job.ts uses, need not import load-job.ts. */
export interface LoadSummary {
  runId: string;
  plan: PlannedRange[];
  committed: RangeCheckpoint[];
  recovered: RecoveryOutcome;
  dryRun: boolean;
  /** The committed bad records by reason (none when the run had none). */
  badReasons?: BadReasonGroup[];
}
