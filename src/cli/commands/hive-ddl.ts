import type { Argv } from 'yargs';
import { openSink } from '../../connector-factory';
import { hiveDdl } from '../../analyst/hive-ddl';
import { loadJobDefinition } from '../../job/job-definition';
import type { CommandIO } from '../io';

interface HiveDdlArgs {
  job: string;
  location?: string;
}

export const command = 'hive-ddl';
export const describe = 'Print Hive DDL for a job\'s tables: CREATE EXTERNAL TABLE and one ADD PARTITION per committed hour';

export function builder(yargs: Argv): Argv<HiveDdlArgs> {
  return yargs
    .option('job', { type: 'string', demandOption: true, describe: 'a job definition, e.g. jobs/page_views.json' })
    .option('location', { type: 'string', describe: 'the URL Hive reads the sink root from, replacing the one derived from output.sink (e.g. hdfs://namenode:9000/warehouse)' });
}

export async function handler(args: HiveDdlArgs, io: CommandIO): Promise<number> {
  const job = loadJobDefinition(args.job);
  const statements = await hiveDdl(job, openSink(job.output.sink), { location: args.location });
  io.out(statements.join('\n'));
  return 0;
}
