import type { JobStatus } from './job-status';
import { describeOffsets } from '../table/gaps';
import { timeUnitName } from '../table/time-partitions';
import { describeHours } from '../common/hour-list';
import { plural } from '../common/plural';

const RED = '\u001b[31m';
const RESET = '\u001b[0m';

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

/** What status says of each gap; in red when `color` (a terminal), so a loss nobody acknowledged is seen. */
function gapLines(status: JobStatus, color: boolean): string[] {
  return status.gaps.map((gap) => {
    const what = `partition ${gap.partition}: ${gap.count} ${gap.count === 1 ? 'offset' : 'offsets'} ${gap.lost ? 'lost to retention' : 'never loaded'} (${describeOffsets(gap)}${gap.lost ? `, seen ${gap.lost.seenAt}` : ''})`;
    const ack = gap.acknowledgement;
    const line = `  gap ${what}, ${ack ? `acknowledged by ${ack.acknowledgedBy} at ${ack.acknowledgedAt}` : `not acknowledged: sluice ack-gap --job ${status.file}${status.manyTopicJob ? ` --topic ${status.topic}` : ''} --partition ${gap.partition} --offsets ${describeOffsets(gap)}`}`;
    return color && !ack ? `${RED}${line}${RESET}` : line;
  });
}

/** The human-readable status of one job; `color` (ANSI) only for a terminal. */
export function renderJobStatus(status: JobStatus, options: { color?: boolean } = {}): string[] {
  const lines = [`${status.job}: topic ${status.topic} at ${status.broker.bootstrap} → ${status.table}`];
  if (!status.broker.reachable) lines.push(`  broker ${status.broker.bootstrap} unreachable: ${status.broker.error}`);
  else if (status.broker.error) lines.push(`  broker ${status.broker.bootstrap} answered with an error: ${status.broker.error}`);
  lines.push(status.runs.length === 0 ? '  runs: none recorded' : '  runs, newest last:');
  if (status.runs.length > 0) {
    const rows = status.runs.map((r) => [
      r.start, r.status, plural(r.records, 'record'), `${r.badRecords} bad`, formatDuration(r.durationMs),
      // An error's first line (a bad-record failure says its reasons on the lines under it).
      [r.error?.split('\n')[0] ?? '', r.reopenedHours && r.reopenedHours.length > 0 ? `reopened ${describeHours(r.reopenedHours)}` : ''].join(' ').trim(),
    ]);
    lines.push(...table(rows).map((l) => `    ${l}`));
  }
  for (const run of status.runsInProgress) {
    const which = run.partitions.length === 1 ? `partition ${run.partitions[0]}` : `partitions ${run.partitions.join(', ')}`;
    lines.push(`  run in progress: ${run.runId || '(starting)'} by ${run.owner}, holding ${which}`);
  }
  if (status.unreadableHistoryLines > 0) lines.push(`  (${status.unreadableHistoryLines} unreadable history lines skipped)`);
  if (status.partitions.length > 0) {
    // The lost column only for a table that lost something, so the usual table stays as it was.
    const withLost = status.partitions.some((p) => p.lostOffsets > 0);
    const rows = [['partition', 'committed', 'high watermark', 'lag (records)', 'lag (time)', 'dead letters', ...(withLost ? ['lost'] : [])]].concat(status.partitions.map((p) => [
      String(p.partition), orDash(p.committedOffset), orDash(p.highWatermark), orDash(p.lagRecords), p.lagMs === null ? '-' : formatDuration(p.lagMs), String(p.deadLetters),
      ...(withLost ? [String(p.lostOffsets)] : []),
    ]));
    const unacknowledged = new Set(status.gaps.filter((g) => !g.acknowledgement).map((g) => g.partition));
    const red = (line: string, i: number) => (options.color && i > 0 && unacknowledged.has(status.partitions[i - 1].partition) ? `${RED}${line}${RESET}` : line);
    lines.push(...table(rows).map((l, i) => red(`  ${l}`, i)));
  }
  lines.push(...gapLines(status, options.color ?? false));
  if (status.broker.reachable && !status.broker.error) lines.push(`  low watermark: ${status.lowWatermark ?? 'unknown (a partition has loaded nothing with an event time yet)'}`);
  lines.push(`  complete ${timeUnitName(status.granularity)} (_SUCCESS): ${describeHours(status.completeHours)}`);
  lines.push(`  newest incomplete ${timeUnitName(status.granularity, 1)}: ${status.newestIncompleteHour ?? 'none'}`);
  lines.push(`  dead letters: ${plural(status.deadLetters, 'record')}`);
  return lines;
}
