import type { Argv } from 'yargs';
import { verifyTable } from '../../table/verify';
import { plural } from '../../common/plural';
import type { CommandIO } from '../io';
import { openTable } from '../../connector-factory';
import { JobArgs, loadJobFromArgs, withJobOption } from '../job-option';

interface VerifyArgs extends JobArgs {
  json: boolean;
}

export const command = 'verify';
export const describe = 'Check that committed ranges tile every partition and every file holds what was recorded';

export function builder(yargs: Argv): Argv<VerifyArgs> {
  return withJobOption(yargs)
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document: ok, problems, partitions, hours' });
}

/** Exit status 0 when everything checks out, 1 on any discrepancy. */
export async function handler(args: VerifyArgs, io: CommandIO): Promise<number> {
  let job;
  try {
    job = loadJobFromArgs(args);
  } catch (error) {
    // A script reading --json still gets its one document.
    if (args.json) io.out(JSON.stringify({ job: args.job, table: null, ok: false, problems: [], error: (error as Error).message }));
    throw error;
  }
  const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
  if (args.json) {
    io.out(JSON.stringify({ job: job.name, table: job.output.table, ok: report.ok, problems: report.problems, partitions: report.partitions, hours: Object.fromEntries(report.hours), schemaGenerations: report.schemaGenerations }));
    return report.ok ? 0 : 1;
  }
  for (const p of report.partitions) {
    const skipped = p.skippedOffsets > 0 ? `, ${plural(p.skippedOffsets, 'offset')} skipped: transaction markers and aborted records` : '';
    io.out(`partition ${p.partition}: offsets ${p.firstOffset}..${p.committedOffset} in ${plural(p.ranges, 'range')}, ${plural(p.records, 'record')}, ${p.badRecords} bad${skipped}`);
  }
  if (report.schemaGenerations > 0) io.out(`schema generations: ${report.schemaGenerations} (_sluice/schemas/; each file checked against the generation its checkpoint names)`);
  io.out('records per hour:');
  for (const [hour, count] of report.hours) io.out(`  ${hour.replace('T', ' ')}:00  ${count}`);
  const skipped = report.partitions.reduce((sum, p) => sum + p.skippedOffsets, 0);
  if (skipped > 0) io.out(`${plural(skipped, 'offset')} skipped: transaction markers and aborted records`);
  for (const problem of report.problems) io.err(`PROBLEM ${problem}`);
  io.out(report.ok ? 'verify: OK' : `verify: ${plural(report.problems.length, 'problem')}`);
  return report.ok ? 0 : 1;
}
