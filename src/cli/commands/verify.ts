import type { Argv } from 'yargs';
import { JobDefinition, loadJobDefinition } from '../../job/job-definition';
import { verifyTable, VerifyReport } from '../../table/verify';
import type { CommandIO } from '../io';
import { openSink } from '../../connector-factory';
import { jobTable } from '../../table/table-state';
import { isManyTopicJob } from '../../job/job-topics';
import { topicJobsInSink } from '../../table/topic-tables';

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
  if (isManyTopicJob(job)) return verifyTopics(job, args, io);
  const sink = openSink(job.output.sink);
  // A `source.topic` job may name its table from the topic ({topic}).
  const [table] = await topicJobsInSink(job, sink);
  const report = await verifyTable(table, jobTable(sink, table));
  if (args.json) {
    io.out(JSON.stringify({ ok: report.ok, problems: report.problems, partitions: report.partitions, hours: Object.fromEntries(report.hours), schemaGenerations: report.schemaGenerations }));
    return report.ok ? 0 : 1;
  }
  printReport(report, io);
  io.out(report.ok ? 'verify: OK' : `verify: ${report.problems.length} problems`);
  return report.ok ? 0 : 1;
}

/** A many-topic job: every topic's table (or namespace of the shared table) the sink holds, per topic-partition. */
async function verifyTopics(job: JobDefinition, args: VerifyArgs, io: CommandIO): Promise<number> {
  const sink = openSink(job.output.sink);
  const topics = (await topicJobsInSink(job, sink)).filter((each) => each.source.topic !== '');
  const reports = [];
  for (const each of topics) reports.push({ topic: each.source.topic, table: each.output.table, report: await verifyTable(each, jobTable(sink, each)) });
  const ok = reports.every((r) => r.report.ok);
  const problems = reports.flatMap((r) => r.report.problems.map((p) => `topic ${r.topic}: ${p}`));
  if (args.json) {
    io.out(JSON.stringify({
      ok, problems,
      topics: reports.map(({ topic, table, report }) => ({ topic, table, ok: report.ok, problems: report.problems, partitions: report.partitions, hours: Object.fromEntries(report.hours), schemaGenerations: report.schemaGenerations })),
    }));
    return ok ? 0 : 1;
  }
  if (reports.length === 0) io.out(`no table of job ${job.name} has been loaded yet`);
  for (const { topic, table, report } of reports) {
    io.out(`topic ${topic} (table ${table}):`);
    printReport(report, io);
  }
  io.out(ok ? `verify: OK (${reports.length} topic${reports.length === 1 ? '' : 's'})` : `verify: ${problems.length} problems`);
  return ok ? 0 : 1;
}

function printReport(report: VerifyReport, io: CommandIO): void {
  for (const p of report.partitions) {
    const skipped = p.skippedOffsets > 0 ? `, ${p.skippedOffsets} offsets skipped: transaction markers and aborted records` : '';
    io.out(`partition ${p.partition}: offsets ${p.firstOffset}..${p.committedOffset} in ${p.ranges} ranges, ${p.records} records, ${p.badRecords} bad${skipped}`);
  }
  if (report.schemaGenerations > 0) io.out(`schema generations: ${report.schemaGenerations} (_sluice/schemas/; each file checked against the generation its checkpoint names)`);
  io.out('records per hour:');
  for (const [hour, count] of report.hours) io.out(`  ${hour.replace('T', ' ')}:00  ${count}`);
  const skipped = report.partitions.reduce((sum, p) => sum + p.skippedOffsets, 0);
  if (skipped > 0) io.out(`${skipped} offsets skipped: transaction markers and aborted records`);
  for (const problem of report.problems) io.err(`PROBLEM ${problem}`);
}
