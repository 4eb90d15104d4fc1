import * as path from 'node:path';
import type { Argv } from 'yargs';
import type { CommandIO } from '../io';
import { clientOptions, SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';
import { startConsole } from '../../console/console-server';
import { KafkaBrowser } from '../../console/kafka-browser';
import { JobFolderBrowser } from '../../console/job-browser';
import { LoadActions } from '../../console/load-actions';
import { stopOnSignals } from '../../schedule/stop-signals';

interface ConsoleArgs extends SecurityArgs {
  port: number;
  host: string;
  jobs: string;
  'bootstrap-server': string;
  'allow-actions': boolean;
  runs: number;
}

export const command = 'console';
export const describe = 'A web console: topics and messages, consumer groups and lag, jobs (runs, lag chart, hours grid, dead letters) and tables';

export function builder(yargs: Argv): Argv<ConsoleArgs> {
  return withSecurityOptions(yargs)
    .option('port', { type: 'number', default: 8080, describe: 'HTTP port (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback by default: the console shows message contents)' })
    .option('jobs', { type: 'string', default: 'jobs', describe: 'the folder of job definitions' })
    .option('bootstrap-server', { type: 'string', default: '127.0.0.1:9092', describe: 'the broker the topics and groups pages show (host:port[,host:port])' })
    .option('allow-actions', { type: 'boolean', default: false, describe: 'let the console run a job now (a POST from the job\'s page); read-only without it' })
    .option('runs', { type: 'number', default: 50, describe: 'how many recent runs the job pages list and chart' }) as Argv<ConsoleArgs>;
}

/** Serves until SIGINT or SIGTERM. */
export async function handler(args: ConsoleArgs, io: CommandIO): Promise<number> {
  const running = await startConsole({
    port: args.port,
    host: args.host,
    cluster: new KafkaBrowser(args['bootstrap-server'], clientOptions(args, 'sluice-console')),
    jobs: new JobFolderBrowser(path.resolve(args.jobs), (job) => withCommandLineSecurity(job, args)),
    actions: args['allow-actions'] ? new LoadActions() : null,
    runs: args.runs,
  });
  io.out(`sluice console at ${running.url} (${args['allow-actions'] ? 'actions allowed' : 'read-only'}; jobs in ${path.resolve(args.jobs)}, broker ${args['bootstrap-server']}); Ctrl-C stops it`);
  const hook = stopOnSignals();
  try {
    await new Promise<void>((resolve) => hook.signal.addEventListener('abort', () => resolve(), { once: true }));
    return 0;
  } finally {
    hook.release();
    await running.close();
  }
}
