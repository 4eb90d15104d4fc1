/** How one scheduled run ended, as the scheduler reports it. */
export type RunOutcomeName = 'loaded' | 'loaded-with-gaps' | 'nothing-new' | 'locked' | 'failed';

/** What a committed range says of itself that metrics count (a RangeCheckpoint has these). */
export interface CommittedRangeFigures {
  records: number;
  badRecords: number;
  files: readonly { format: string; bytes: number }[];
}

/** What the scheduler tells its metrics about each run. */
export interface LoadMetrics {
  runStarted(job: string): void;
  runEnded(job: string, outcome: RunOutcomeName, seconds: number, committed: readonly CommittedRangeFigures[]): void;
}
