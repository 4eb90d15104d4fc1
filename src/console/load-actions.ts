// The console's one action, behind --allow-actions: a load of a job now, as `sluice load --job` runs it (same
// locks, so a run the scheduler has going makes this one fail with JobLockedError instead of racing it).
import type { JobDefinition } from '../job/job-definition';
import { runLoad } from '../pipeline/load-job';
import type { JobActions } from './console-ports';

export class LoadActions implements JobActions {
  async runNow(job: JobDefinition): Promise<string> {
    const summary = await runLoad(job);
    const records = summary.committed.reduce((sum, r) => sum + r.records, 0);
    const bad = summary.committed.reduce((sum, r) => sum + r.badRecords, 0);
    if (summary.committed.length === 0) return `run ${summary.runId}: nothing to load, every partition is caught up`;
    return `run ${summary.runId}: committed ${records} records (${bad} bad) in ${summary.committed.length} ranges`;
  }
}
