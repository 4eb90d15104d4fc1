import type { Argv } from 'yargs';
import { timeKeyLabel, timeUnitName } from '../../table/time-partitions';
import type { JobDefinition } from '../../job/job-definition';
import { verifyTable, VerifyReport } from '../../table/verify';
import { describeOffsets } from '../../table/gaps';
import type { CommandIO } from '../io';
import { plural } from '../../common/plural';
import { JobArgs, loadJobFromArgs, withJobOption } from '../job-option';
import { openSink } from '../../connector-factory';
import { jobTable } from '../../table/table-state';
import { isManyTopicJob } from '../../job/job-topics';
import { topicJobsInSink } from '../../table/topic-tables';

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
  if (isManyTopicJob(job)) return verifyTopics(job, args, io);
  const sink = openSink(job.output.sink);
  // A `source.topic` job may name its table from the topic ({topic}).
  const [table] = await topicJobsInSink(job, sink);
  const report = await verifyTable(table, jobTable(sink, table));
  if (args.json) {
    io.out(JSON.stringify({ job: job.name, table: table.output.table, ok: report.ok, problems: report.problems, partitions: report.partitions, hours: Object.fromEntries(report.hours), schemaGenerations: report.schemaGenerations, gaps: report.gaps }));
    return report.ok ? 0 : 1;
  }
  printReport(report, table, io);
  io.out(report.ok ? 'verify: OK' : `verify: ${plural(report.problems.length, 'problem')}`);
  return report.ok ? 0 : 1;
}

/** A many-topic job: every topic's table (or namespace of the shared table) the sink holds, per topic-partition. */
async function verifyTopics(job: JobDefinition, args: VerifyArgs, io: CommandIO): Promise<number> {
  const sink = openSink(job.output.sink);
  const topics = (await topicJobsInSink(job, sink)).filter((each) => each.source.topic !== '');
  const reports = [];
  for (const each of topics) reports.push({ topic: each.source.topic, table: each.output.table, report: await verifyTable(each, jobTable(sink, each), { ofManyTopics: true }) });
  const ok = reports.every((r) => r.report.ok);
  const problems = reports.flatMap((r) => r.report.problems.map((p) => `topic ${r.topic}: ${p}`));
  if (args.json) {
    io.out(JSON.stringify({
      ok, problems,
      topics: reports.map(({ topic, table, report }) => ({ topic, table, ok: report.ok, problems: report.problems, partitions: report.partitions, hours: Object.fromEntries(report.hours), schemaGenerations: report.schemaGenerations, gaps: report.gaps })),
    }));
    return ok ? 0 : 1;
  }
  if (reports.length === 0) io.out(`no table of job ${job.name} has been loaded yet`);
  for (const { topic, table, report } of reports) {
    io.out(`topic ${topic} (table ${table}):`);
    printReport(report, job, io, `topic ${topic}: `);
  }
  io.out(ok ? `verify: OK (${reports.length} topic${reports.length === 1 ? '' : 's'})` : `verify: ${problems.length} problems`);
  return ok ? 0 : 1;
}

function printReport(report: VerifyReport, job: JobDefinition, io: CommandIO, problemPrefix = ''): void {
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
  for (const problem of report.problems) io.err(`PROBLEM ${problemPrefix}${problem}`);
}
