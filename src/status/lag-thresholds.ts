import type { JobStatus } from './job-status';

/** `sluice status --max-lag-records N --max-lag-seconds S`: past either, the check fails (exit 1), as a Nagios-style probe would. */
export interface LagThresholds {
  maxLagRecords: number | null;
  maxLagSeconds: number | null;
}

export interface LagBreach {
  job: string;
  partition: number;
  lagRecords: number;
  lagSeconds: number;
  /** Which thresholds the partition is past. */
  over: ('records' | 'seconds')[];
}

/** Partitions whose lag is above a threshold (strictly: a lag equal to the threshold passes). Unknown lag is not a breach: an unreachable broker fails status on its own. */
export function lagBreaches(status: JobStatus, thresholds: LagThresholds): LagBreach[] {
  const breaches: LagBreach[] = [];
  for (const p of status.partitions) {
    if (p.lagRecords === null || p.lagMs === null) continue;
    const lagSeconds = p.lagMs / 1000;
    const over: LagBreach['over'] = [];
    if (thresholds.maxLagRecords !== null && p.lagRecords > thresholds.maxLagRecords) over.push('records');
    if (thresholds.maxLagSeconds !== null && lagSeconds > thresholds.maxLagSeconds) over.push('seconds');
    if (over.length > 0) breaches.push({ job: status.job, partition: p.partition, lagRecords: p.lagRecords, lagSeconds, over });
  }
  return breaches;
}

/** One line per breach: `page_views_hourly: partition 0 lags 250 records (over --max-lag-records 100)`. */
export function describeBreach(breach: LagBreach, thresholds: LagThresholds): string {
  const past = breach.over.map((o) => (o === 'records' ? `--max-lag-records ${thresholds.maxLagRecords}` : `--max-lag-seconds ${thresholds.maxLagSeconds}`));
  const records = `${breach.lagRecords} ${breach.lagRecords === 1 ? 'record' : 'records'}`;
  return `${breach.job}: partition ${breach.partition} lags ${records}, ${Math.round(breach.lagSeconds)} s (over ${past.join(' and ')})`;
}
