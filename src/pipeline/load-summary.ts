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

/** One topic's run within a run of a many-topic job (`source.topics`, `source.topicPattern`). */
export interface TopicRunSummary extends LoadSummary {
  topic: string;
  table: string;
}

/** A many-topic job's run: the fields above over all its topics, and each topic's own. */
export interface ManyTopicLoadSummary extends LoadSummary {
  topics: TopicRunSummary[];
  /** Listed topics the cluster does not have: skipped, with a warning. */
  missingTopics: string[];
}
