import * as os from 'node:os';
import type { RecordSource } from '../ports/record-source';
import type { JobDefinition } from '../job/job-definition';
import type { LoadSummary } from './load-summary';
import type { RangeLoadResult } from './range-loader';
import type { PlannedRange, RunPlan, TableStore } from '../table/table-state';
import { markCompleteHours, PartitionOffsets } from '../table/completeness';
import { gapHours } from '../table/gaps';
import type { PartitionSummary } from '../table/partition-index';
import { describeHours } from '../common/hour-list';
import { RunHistoryEntry, RunStatus, appendRunHistory, historyRanges, missingRunLines, summarizeFiles } from '../table/run-history';


/**
 * What completeness looks at when it is wider than the run's topic: every topic of a table many topics share, so that
 * an hour is marked only once all their partitions have passed it (partitions numbered apart per topic).
 */
export interface CompletenessScope {
  source: PartitionOffsets;
  summaries(): Promise<Map<number, PartitionSummary>>;
}

/**
 * What a run does besides loading, while it still holds its partition locks: after its commit (or finding nothing to
 * do) it writes the `_SUCCESS` markers the low watermark allows and its history line; after a failure, the
 * history line alone. Neither step throws: the commit is already the truth, and the next run repeats both.
 */
export class RunRecorder {
  private readonly start = new Date();
  private planned: PlannedRange[] = [];
  private loaded: RangeLoadResult[] = [];

  constructor(
    private readonly job: JobDefinition,
    private readonly target: { table: TableStore; kind: RunPlan['kind']; completeness?: CompletenessScope },
    private readonly runId: string,
    private readonly source: RecordSource,
    private readonly log: (line: string) => void,
  ) {}

  plan(ranges: PlannedRange[]): void {
    this.planned = ranges;
  }

  read(results: RangeLoadResult[]): void {
    this.loaded = results;
  }

  private entry(status: RunStatus, fields: Partial<RunHistoryEntry>): RunHistoryEntry {
    const ranges = this.loaded.length > 0 ? historyRanges(this.loaded) : this.planned.map((r) => ({ ...r, records: 0, badRecords: 0 }));
    return {
      runId: this.runId, job: this.job.name, kind: this.target.kind, host: os.hostname(), pid: process.pid,
      start: this.start.toISOString(), end: new Date().toISOString(), status, ranges,
      records: ranges.reduce((s, r) => s + r.records, 0), badRecords: ranges.reduce((s, r) => s + r.badRecords, 0),
      files: 0, bytes: 0, hoursWritten: [], reopenedHours: [],
      ...fields,
    };
  }

  async finished(summary: LoadSummary): Promise<LoadSummary> {
    const { table } = this.target;
    const status: RunStatus = summary.committed.length > 0 ? 'committed' : 'nothing-to-do';
    const written = summarizeFiles(summary.committed);
    let reopenedHours: string[] | null = [];
    const lines: RunHistoryEntry[] = [];
    try {
      const summaries = await table.partitionSummaries();
      const locked = new Set(table.lockedPartitions());
      const mine = new Map([...summaries].filter(([partition]) => locked.has(partition)));
      lines.push(...(await missingRunLines(table, this.job.name, this.target.kind, mine, this.runId)));
      if (this.target.kind === 'scheduled') {
        const scope = this.target.completeness;
        // Gaps of the run's own topic hold hours; a shared table's other topics hold theirs in their own runs.
        const anyLost = [...summaries.values()].some((s) => s.lost.length > 0);
        const gaps = anyLost ? gapHours(this.job, summaries, await table.gapAcknowledgements()) : undefined;
        const outcome = await markCompleteHours(this.job, table, scope?.source ?? this.source, this.runId, scope ? await scope.summaries() : summaries, written.hoursWritten, gaps);
        reopenedHours = outcome.reopened;
        if (outcome.marked.length > 0) this.log(`marked complete (_SUCCESS): ${describeHours(outcome.marked)}`);
        if (outcome.held.length > 0) this.log(`not marked complete: ${describeHours(outcome.held)}: a retention gap not acknowledged may touch them (sluice verify names it; sluice ack-gap lets them be marked)`);
        if (outcome.reopened.length > 0) this.log(`late data went into hours already marked complete: ${describeHours(outcome.reopened)}`);
      }
    } catch (error) {
      reopenedHours = null;
      this.log(`committed, but the completeness markers could not be updated (the next run retries): ${(error as Error).message}`);
    }
    const ranges = historyRanges(summary.committed);
    lines.push(this.entry(status, {
      ranges, records: ranges.reduce((s, r) => s + r.records, 0), badRecords: ranges.reduce((s, r) => s + r.badRecords, 0), ...written, reopenedHours,
    }));
    await this.append(lines);
    return summary;
  }

  async failed(error: unknown): Promise<void> {
    await this.append([this.entry('failed', { error: error instanceof Error ? error.message : String(error) })]);
  }

  private async append(lines: RunHistoryEntry[]): Promise<void> {
    try {
      await appendRunHistory(this.target.table, lines);
    } catch (error) {
      this.log(`could not append to the run history (committed runs are recovered from checkpoints next time): ${(error as Error).message}`);
    }
  }
}
