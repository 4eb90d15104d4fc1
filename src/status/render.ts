import type { JobStatus } from './job-status';
import { describeHours } from '../common/hour-list';
import { plural } from '../common/plural';

export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return ms < 10_000 && ms % 1000 !== 0 ? `${(ms / 1000).toFixed(1)} s` : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
}

const orDash = (value: number | null) => (value === null ? '-' : String(value));

/** The human-readable status of one job. */
export function renderJobStatus(status: JobStatus): string[] {
  const lines = [`${status.job}: topic ${status.topic} at ${status.broker.bootstrap} → ${status.table}`];
  if (!status.broker.reachable) lines.push(`  broker ${status.broker.bootstrap} unreachable: ${status.broker.error}`);
  else if (status.broker.error) lines.push(`  broker ${status.broker.bootstrap} answered with an error: ${status.broker.error}`);
  lines.push(status.runs.length === 0 ? '  runs: none recorded' : '  runs, newest last:');
  if (status.runs.length > 0) {
    const rows = status.runs.map((r) => [
      r.start, r.status, plural(r.records, 'record'), `${r.badRecords} bad`, formatDuration(r.durationMs),
      [r.error ?? '', r.reopenedHours && r.reopenedHours.length > 0 ? `reopened ${describeHours(r.reopenedHours)}` : ''].join(' ').trim(),
    ]);
    lines.push(...table(rows).map((l) => `    ${l}`));
  }
  if (status.unreadableHistoryLines > 0) lines.push(`  (${status.unreadableHistoryLines} unreadable history lines skipped)`);
  if (status.partitions.length > 0) {
    const rows = [['partition', 'committed', 'high watermark', 'lag (records)', 'lag (time)', 'dead letters']].concat(status.partitions.map((p) => [
      String(p.partition), orDash(p.committedOffset), orDash(p.highWatermark), orDash(p.lagRecords), p.lagMs === null ? '-' : formatDuration(p.lagMs), String(p.deadLetters),
    ]));
    lines.push(...table(rows).map((l) => `  ${l}`));
  }
  if (status.broker.reachable && !status.broker.error) lines.push(`  low watermark: ${status.lowWatermark ?? 'unknown (a partition has loaded nothing with an event time yet)'}`);
  lines.push(`  complete hours (_SUCCESS): ${describeHours(status.completeHours)}`);
  lines.push(`  newest incomplete hour: ${status.newestIncompleteHour ?? 'none'}`);
  lines.push(`  dead letters: ${plural(status.deadLetters, 'record')}`);
  return lines;
}
