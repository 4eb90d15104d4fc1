import type { Argv } from 'yargs';
import { openSink } from '../../connector-factory';
import { hiveDdl } from '../../analyst/hive-ddl';
import type { CommandIO } from '../io';
import { JobArgs, loadJobFromArgs, withJobOption } from '../job-option';

interface HiveDdlArgs extends JobArgs {
  location?: string;
  'since-generation'?: number;
}

export const command = 'hive-ddl';
export const describe = 'Print Hive DDL for a job\'s tables: CREATE EXTERNAL TABLE, the ALTERs of later schema generations, one ADD PARTITION per committed partition directory (output.partitioning)';

export function builder(yargs: Argv): Argv<HiveDdlArgs> {
  return withJobOption(yargs)
    .option('location', { type: 'string', describe: 'the URL Hive reads the sink root from, replacing the one derived from output.sink (e.g. hdfs://namenode:9000/warehouse)' })
    .option('since-generation', { type: 'number', describe: 'the metastore\'s tables are at this schema generation already: print no CREATE, only later generations\' ALTERs and the partitions' });
}

export async function handler(args: HiveDdlArgs, io: CommandIO): Promise<number> {
  const job = loadJobFromArgs(args);
  const since = args['since-generation'];
  if (since !== undefined && !(Number.isInteger(since) && since >= 1)) {
    io.err(`sluice: --since-generation must be a whole number from 1, not ${since}`);
    return 1;
  }
  const statements = await hiveDdl(job, openSink(job.output.sink), { location: args.location, sinceGeneration: since });
  io.out(statements.join('\n'));
  return 0;
}
