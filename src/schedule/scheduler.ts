import { setMaxListeners } from 'node:events';
import * as cron from 'node-cron';
import { sinkDescription } from '../connector-factory';
import type { JobDefinition } from '../job/job-definition';
import { newRunId } from '../table/layout';
import { JobLockedError } from '../table/lock';
import { plural } from '../common/plural';
import type { RangeCheckpoint } from '../table/records';
import type { ScheduledJob } from './job-catalog';
import type { LoadMetrics, RunOutcomeName } from '../ports/load-metrics';

/** How one tick of one job ended. */
export type TickOutcome =
  | 'loaded' // committed at least one range
  | 'loaded-with-gaps' // committed, and recorded offsets retention deleted before they were loaded
  | 'nothing-new'
  | 'skipped' // this process was still running the job's previous run
  | 'locked' // another process holds a partition lock the run needs
  | 'failed'
  | 'stopping'; // the tick came after shutdown began

/** What the scheduler hands a run: its id, the shutdown signal, and where its log lines go. */
export interface ScheduledRunOptions {
  runId: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Runs one load of a job (`runLoad` from the load pipeline, given by whoever starts the scheduler). */
export type LoadRunner = (job: JobDefinition, options: ScheduledRunOptions) => Promise<{ committed: readonly RangeCheckpoint[] }>;

export interface SchedulerOptions {
  /** Receives each log line, already stamped with the time. */
  log: (line: string) => void;
  load: LoadRunner;
  /** Told of each run's start and end (`sluice schedule --metrics-port`). */
  metrics?: LoadMetrics;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/**
 * Runs jobs on their cron expressions. A job never runs twice at once in this process (a tick that
 * finds its previous run going is skipped), and the sink's lock settles it across processes. A
 * failure is logged and the next tick tries again; nothing a job does stops the others.
 */
export class Scheduler {
  private readonly stopping = new AbortController();
  private readonly running = new Map<string, Promise<TickOutcome>>();
  private readonly tasks: cron.ScheduledTask[] = [];
  private readonly load: LoadRunner;

  constructor(private readonly options: SchedulerOptions) {
    this.load = options.load;
    // Every running load's worker threads listen on this one signal.
    setMaxListeners(0, this.stopping.signal);
  }

  private say(text: string): void {
    this.options.log(`${new Date().toISOString()} ${text}`);
  }

  /** Starts ticking every job in its own time zone; returns each job's next run. */
  start(jobs: ScheduledJob[]): { job: JobDefinition; next: Date | null }[] {
    return jobs.map(({ job, cron: expression }) => {
      // The callback returns nothing, so node-cron never waits on a run: overlap is decided in tick().
      const task = cron.createTask(expression, (context) => void this.tick(job, context.date), { name: job.name, timezone: job.time.timezone });
      task.on('execution:missed', (context) => this.say(`${job.name}: tick at ${context.date.toISOString()} missed (the process was too busy to take it)`));
      void task.start();
      this.tasks.push(task);
      return { job, next: task.getNextRun() };
    });
  }

  /** Every job once, now, side by side. */
  runNow(jobs: ScheduledJob[]): Promise<TickOutcome[]> {
    const now = new Date();
    return Promise.all(jobs.map(({ job }) => this.tick(job, now)));
  }

  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** One tick of one job: run it unless its previous run is still going or shutdown has begun. */
  async tick(job: JobDefinition, tickAt: Date): Promise<TickOutcome> {
    if (this.stopping.signal.aborted) return 'stopping';
    if (this.running.has(job.name)) {
      this.say(`${job.name}: previous run still going, tick at ${tickAt.toISOString()} skipped`);
      return 'skipped';
    }
    const run = this.runJob(job, tickAt);
    this.running.set(job.name, run);
    try {
      return await run;
    } finally {
      this.running.delete(job.name);
    }
  }

  private async runJob(job: JobDefinition, tickAt: Date): Promise<TickOutcome> {
    const runId = newRunId();
    const started = Date.now();
    this.say(`${job.name}: run ${runId} started (tick at ${tickAt.toISOString()}) → table ${job.output.table} in ${sinkDescription(job.output.sink)}`);
    this.options.metrics?.runStarted(job.name);
    const outcome = await this.attempt(job, runId, started);
    this.options.metrics?.runEnded(job.name, outcome.outcome, (Date.now() - started) / 1000, outcome.committed);
    return outcome.outcome;
  }

  private async attempt(job: JobDefinition, runId: string, started: number): Promise<{ outcome: RunOutcomeName; committed: readonly RangeCheckpoint[] }> {
    try {
      const summary = await this.load(job, { runId, signal: this.stopping.signal, log: (line) => this.say(`${job.name}: ${line}`) });
      const records = summary.committed.reduce((sum, r) => sum + r.records, 0);
      const files = summary.committed.reduce((sum, r) => sum + r.files.filter((f) => f.format !== 'dead-letter').length, 0);
      const early = this.stopping.signal.aborted ? ' (stopped early by shutdown: committed what it had read)' : '';
      const lost = summary.committed.filter((r) => r.kind === 'lost');
      const loaded = summary.committed.length - lost.length;
      const gaps = lost.length === 0 ? '' : `; loaded with gaps (exit status 3): ${lost.map((r) => `partition ${r.partition} offsets ${r.start}..${r.end - 1} lost to retention`).join(', ')}`;
      this.say(`${job.name}: run ${runId} ended: ${plural(loaded, 'range')}, ${plural(records, 'record')}, ${plural(files, 'file')} in ${seconds(Date.now() - started)} s${early}${gaps}`);
      if (lost.length > 0) return { outcome: 'loaded-with-gaps', committed: summary.committed };
      return { outcome: summary.committed.length > 0 ? 'loaded' : 'nothing-new', committed: summary.committed };
    } catch (error) {
      if (error instanceof JobLockedError) {
        this.say(`${job.name}: run ${runId} skipped: another process is running the job (${error.message})`);
        return { outcome: 'locked', committed: [] };
      }
      const message = error instanceof Error ? error.message : String(error);
      this.say(`${job.name}: run ${runId} failed after ${seconds(Date.now() - started)} s: ${message}`);
      return { outcome: 'failed', committed: [] };
    }
  }

  /** Stops ticking at once, asks running loads to stop (each commits what it read) and waits for them. */
  async stop(reason: string): Promise<void> {
    if (!this.stopping.signal.aborted) {
      const stopped = this.tasks.map((task) => task.destroy());
      this.stopping.abort(reason);
      this.say(`${reason}: no more ticks; waiting for ${plural(this.running.size, 'running load')} to stop`);
      await Promise.all(stopped);
    }
    await Promise.all(this.running.values());
  }
}
