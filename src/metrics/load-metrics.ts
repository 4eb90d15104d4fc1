import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommittedRangeFigures, LoadMetrics, RunOutcomeName } from '../ports/load-metrics';
import type { JobStatus } from '../status/job-status';
import { partitionKeyStart } from './wall-time';

/** A load of a few records takes a second; an hourly load of a busy topic minutes; the duration limit is 50 minutes. */
const RUN_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 3000];

/** What a scrape reads of each job's table and topic: `sluice status` without the run lines. */
export interface JobStatusSource {
  jobs(): readonly { name: string; timezone: string }[];
  status(job: string): Promise<JobStatus>;
}

/**
 * Metrics of scheduled loads. Per-run figures are counted as runs end; per-partition figures (committed offset,
 * high watermark, lag) and completeness are read at scrape time from what `sluice status` reads, at most once per
 * `refreshMs` per job, so a scrape every few seconds does not ask the broker every time. Lag keeps
 * kafka-lag-exporter's names with the job as the group, so a dashboard made for consumer groups shows loads too.
 */
export class PrometheusLoadMetrics implements LoadMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly records: Counter<'job'>;
  private readonly badRecords: Counter<'job'>;
  private readonly bytes: Counter<'job'>;
  private readonly files: Counter<'job'>;
  private readonly duration: Histogram<'job'>;
  private readonly lastRunEnd: Gauge<'job'>;
  private readonly lastRunSuccess: Gauge<'job'>;
  private readonly running: Gauge<'job'>;
  private readonly cached = new Map<string, { at: number; status: Promise<JobStatus> }>();

  constructor(private readonly source: JobStatusSource, private readonly refreshMs = 10_000) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.runs = new Counter({ name: 'sluice_load_runs_total', help: 'Scheduled runs ended, by outcome (loaded, loaded-with-gaps, nothing-new, locked, failed).', labelNames: ['job', 'outcome'], registers });
    this.records = new Counter({ name: 'sluice_load_records_total', help: 'Records committed by scheduled runs.', labelNames: ['job'], registers });
    this.badRecords = new Counter({ name: 'sluice_load_bad_records_total', help: 'Bad records committed to dead-letter files by scheduled runs.', labelNames: ['job'], registers });
    this.bytes = new Counter({ name: 'sluice_load_bytes_total', help: 'Bytes of data files committed by scheduled runs.', labelNames: ['job'], registers });
    this.files = new Counter({ name: 'sluice_load_files_total', help: 'Data files committed by scheduled runs.', labelNames: ['job'], registers });
    this.duration = new Histogram({ name: 'sluice_load_run_duration_seconds', help: 'How long scheduled runs took, whatever their outcome.', labelNames: ['job'], buckets: RUN_BUCKETS, registers });
    this.lastRunEnd = new Gauge({ name: 'sluice_load_last_run_timestamp_seconds', help: 'When the job\'s last scheduled run ended (Unix time).', labelNames: ['job'], registers });
    this.lastRunSuccess = new Gauge({ name: 'sluice_load_last_run_success', help: '1 when the job\'s last scheduled run succeeded (loaded or nothing new), 0 when it failed or found the job locked.', labelNames: ['job'], registers });
    this.running = new Gauge({ name: 'sluice_load_run_in_progress', help: '1 while a scheduled run of the job is going.', labelNames: ['job'], registers });
    this.registerStatusGauges();
  }

  runStarted(job: string): void {
    this.running.set({ job }, 1);
  }

  runEnded(job: string, outcome: RunOutcomeName, seconds: number, committed: readonly CommittedRangeFigures[]): void {
    const labels = { job };
    this.running.set(labels, 0);
    this.runs.inc({ job, outcome });
    this.duration.observe(labels, seconds);
    this.lastRunEnd.set(labels, Date.now() / 1000);
    this.lastRunSuccess.set(labels, outcome === 'loaded' || outcome === 'loaded-with-gaps' || outcome === 'nothing-new' ? 1 : 0);
    const data = committed.flatMap((r) => r.files.filter((f) => f.format !== 'dead-letter'));
    this.records.inc(labels, committed.reduce((sum, r) => sum + r.records, 0));
    this.badRecords.inc(labels, committed.reduce((sum, r) => sum + r.badRecords, 0));
    this.files.inc(labels, data.length);
    this.bytes.inc(labels, data.reduce((sum, f) => sum + f.bytes, 0));
    this.cached.delete(job); // the next scrape reads the table as this run left it
  }

  private statusOf(job: string): Promise<JobStatus> {
    const hit = this.cached.get(job);
    if (hit && Date.now() - hit.at < this.refreshMs) return hit.status;
    const status = this.source.status(job);
    this.cached.set(job, { at: Date.now(), status });
    status.catch(() => this.cached.delete(job));
    return status;
  }

  private async statuses(): Promise<{ job: string; timezone: string; status: JobStatus }[]> {
    const read = await Promise.allSettled(this.source.jobs().map(async ({ name, timezone }) => ({ job: name, timezone, status: await this.statusOf(name) })));
    return read.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  private registerStatusGauges(): void {
    const registers = [this.registry];
    const self = this;
    type PartitionLabels = 'group' | 'topic' | 'partition';
    const perPartition = (name: string, help: string, value: (p: JobStatus['partitions'][number]) => number | null) =>
      new Gauge<PartitionLabels>({
        name, help, labelNames: ['group', 'topic', 'partition'], registers,
        async collect() {
          this.reset();
          for (const { job, status } of await self.statuses()) {
            for (const p of status.partitions) {
              const v = value(p);
              if (v !== null) this.set({ group: job, topic: status.topic, partition: String(p.partition) }, v);
            }
          }
        },
      });
    perPartition('kafka_consumergroup_group_offset', 'The offset the job\'s next load starts at, per partition (the job as a group, kafka-lag-exporter\'s name).', (p) => p.committedOffset);
    perPartition('kafka_consumergroup_group_lag', 'Records between the job\'s committed offset and the high watermark.', (p) => p.lagRecords);
    perPartition('kafka_consumergroup_group_lag_seconds', 'Age of the oldest record not loaded yet (now − its Kafka timestamp); 0 when caught up.', (p) => (p.lagMs === null ? null : p.lagMs / 1000));
    perPartition('sluice_load_high_watermark', 'The partition\'s high watermark when the job\'s status was last read.', (p) => p.highWatermark);
    const perJob = (name: string, help: string, value: (s: JobStatus, timezone: string) => number | null) =>
      new Gauge<'job'>({
        name, help, labelNames: ['job'], registers,
        async collect() {
          this.reset();
          for (const { job, timezone, status } of await self.statuses()) {
            const v = value(status, timezone);
            if (v !== null) this.set({ job }, v);
          }
        },
      });
    perJob('sluice_load_newest_complete_hour_timestamp_seconds', 'Start (Unix time) of the newest time partition with _SUCCESS.', (s, tz) => {
      const newest = s.completeHours[s.completeHours.length - 1];
      const start = newest === undefined ? null : partitionKeyStart(newest, tz);
      return start === null ? null : start / 1000;
    });
    perJob('sluice_load_dead_letters', 'Bad records in the table\'s committed dead-letter files.', (s) => s.deadLetters);
    perJob('sluice_load_broker_reachable', '1 when the job\'s status could ask its broker for offsets.', (s) => (s.broker.reachable && !s.broker.error ? 1 : 0));
  }
}
