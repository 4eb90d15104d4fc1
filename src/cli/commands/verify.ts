import type { Argv } from 'yargs';
import { timeKeyLabel, timeUnitName } from '../../table/time-partitions';
import { loadJobDefinition } from '../../job/job-definition';
import { verifyTable } from '../../table/verify';
import { describeOffsets } from '../../table/gaps';
import type { CommandIO } from '../io';
import { openTable } from '../../connector-factory';

interface VerifyArgs {
  job: string;
  json: boolean;
}

export const command = 'verify';
export const describe = 'Check that committed ranges tile every partition and every file holds what was recorded';

export function builder(yargs: Argv): Argv<VerifyArgs> {
  return yargs
    .option('job', { type: 'string', demandOption: true })
    .option('json', { type: 'boolean', default: false });
}

/** Exit status 0 when everything checks out, 1 on any discrepancy. */
export async function handler(args: VerifyArgs, io: CommandIO): Promise<number> {
  const job = loadJobDefinition(args.job);
  const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
  if (args.json) {
    io.out(JSON.stringify({ ok: report.ok, problems: report.problems, partitions: report.partitions, hours: Object.fromEntries(report.hours), schemaGenerations: report.schemaGenerations, gaps: report.gaps }));
    return report.ok ? 0 : 1;
  }
  for (const p of report.partitions) {
    const skipped = p.skippedOffsets > 0 ? `, ${p.skippedOffsets} offsets skipped: transaction markers and aborted records` : '';
    const lost = p.lostOffsets > 0 ? `, ${p.lostOffsets} offsets lost to retention` : '';
    io.out(`partition ${p.partition}: offsets ${p.firstOffset}..${p.committedOffset} in ${p.ranges} ranges, ${p.records} records, ${p.badRecords} bad${skipped}${lost}`);
  }
  for (const gap of report.gaps) {
    const ack = gap.acknowledgement;
    const by = ack ? `acknowledged by ${ack.acknowledgedBy} on ${ack.host} at ${ack.acknowledgedAt}${ack.reason ? ` (${ack.reason})` : ''}` : 'NOT acknowledged';
    io.out(`gap: partition ${gap.partition} offsets ${describeOffsets(gap)} (${gap.count}) ${gap.lost ? 'lost to retention' : 'never loaded'}, ${by}`);
  }
  if (report.schemaGenerations > 0) io.out(`schema generations: ${report.schemaGenerations} (_sluice/schemas/; each file checked against the generation its checkpoint names)`);
  io.out(`records per ${timeUnitName(job.output.partitioning.granularity, 1)}:`);
  for (const [hour, count] of report.hours) io.out(`  ${timeKeyLabel(hour)}  ${count}`);
  const skipped = report.partitions.reduce((sum, p) => sum + p.skippedOffsets, 0);
  if (skipped > 0) io.out(`${skipped} offsets skipped: transaction markers and aborted records`);
  for (const problem of report.problems) io.err(`PROBLEM ${problem}`);
  io.out(report.ok ? 'verify: OK' : `verify: ${report.problems.length} problems`);
  return report.ok ? 0 : 1;
}
