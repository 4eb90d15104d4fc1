import * as path from 'node:path';
import type { Argv } from 'yargs';
import { buildCatalog, loadJobsDirectory, readerJobsOf, readerSchemasOfJobs } from '../../analyst/table-catalog';
import { DEFAULT_CACHE_DIR } from '../../analyst/local-files';
import { QueryError, QueryResult, runQuery } from '../../analyst/query-engine';
import { formatResult, RESULT_FORMATS, ResultFormat } from '../../analyst/result-format';
import { loadJobDefinition } from '../../job/job-definition';
import type { CommandIO } from '../io';
import { resolveJobFile } from '../job-option';

interface QueryArgs {
  sql: string;
  jobs: string;
  job?: string[];
  format: ResultFormat;
  'cache-dir': string;
}

export const command = 'query <sql>';
export const describe = 'Run SQL (DuckDB) over the committed data of every job: one view per output table, with dt and hr columns';

export function builder(yargs: Argv): Argv<QueryArgs> {
  return yargs
    .positional('sql', { type: 'string', demandOption: true, describe: 'e.g. "SELECT dt, hr, count(*) FROM page_views GROUP BY ALL ORDER BY ALL"' })
    .option('jobs', { type: 'string', default: 'jobs', describe: 'the directory of job definitions whose tables become views' })
    .option('job', { type: 'string', array: true, describe: 'only the tables of these jobs: job files, or names in --jobs; repeatable' })
    .option('format', { choices: RESULT_FORMATS, default: 'table' as ResultFormat, describe: 'table (aligned), csv (RFC 4180) or json (one object per line)' })
    .option('cache-dir', { type: 'string', default: DEFAULT_CACHE_DIR, describe: 'where files of remote sinks are copied before querying' }) as Argv<QueryArgs>;
}

/** Exit status 0 with the rows on stdout; 1 when the SQL fails, with DuckDB's message. */
export async function handler(args: QueryArgs, io: CommandIO): Promise<number> {
  const only = args.job ?? [];
  const jobs = await readerJobsOf(only.length > 0 ? only.map((wanted) => loadJobDefinition(resolveJobFile(wanted, args.jobs))) : loadJobsDirectory(path.resolve(args.jobs)));
  // Jobs whose schema is "latest" take the table's schema from their Schema Registry.
  const catalog = buildCatalog(jobs, await readerSchemasOfJobs(jobs));
  try {
    let told = 0;
    const tell = (notices: string[]) => {
      for (const notice of notices.slice(told)) io.err(`sluice query: ${notice}`);
      told = notices.length;
    };
    // The rows are printed as soon as they are read; the Avro cache is written after.
    const onResult = (result: QueryResult) => {
      tell(result.notices);
      const text = formatResult(result, args.format);
      if (text.length > 0) io.out(text);
    };
    const result = await runQuery(catalog, args.sql, { cacheDir: path.resolve(args['cache-dir']), onResult });
    tell(result.notices);
    return 0;
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    io.err(`sluice query: ${error.message}`);
    return 1;
  }
}
