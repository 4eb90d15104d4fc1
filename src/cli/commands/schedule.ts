import type { Argv } from 'yargs';
import { loadJobCatalog } from '../../schedule/job-catalog';
import { Scheduler } from '../../schedule/scheduler';
import { runLoad } from '../../pipeline/load-job';
import { stopOnSignals } from '../../schedule/stop-signals';
import type { CommandIO } from '../io';
import type { JobDefinition } from '../../job/job-definition';
import type { LoadMetrics } from '../../ports/load-metrics';
import type { MetricsServer } from '../../metrics/metrics-server';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface ScheduleArgs extends SecurityArgs {
  jobs: string;
  job?: string[];
  once: boolean;
  'metrics-port'?: number;
  'metrics-host': string;
}

export const command = 'schedule';
export const describe = 'Run every job on its cron schedule until SIGTERM/SIGINT; a job never overlaps itself';

export function builder(yargs: Argv): Argv<ScheduleArgs> {
  return withSecurityOptions(yargs)
    .option('jobs', { type: 'string', default: 'jobs', describe: 'directory of job definitions' })
    .option('job', { type: 'string', array: true, describe: 'only these jobs (by name or file name), repeatable' })
    .option('once', { type: 'boolean', default: false, describe: 'run every selected scheduled job now, once, and exit' })
    .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics of the loads at http://<metrics-host>:<port>/metrics (0: any free port)' })
    .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'address the metrics port listens on' }) as Argv<ScheduleArgs>;
}

/**
 * Exit status: 0 after a clean stop (or, with --once, when no run failed); 1 when a --once run
 * failed or there is nothing to schedule; 3 when no --once run failed but one was loaded with gaps.
 */
export async function handler(args: ScheduleArgs, io: CommandIO): Promise<number> {
  const loaded = loadJobCatalog(args.jobs, args.job ?? []);
  const catalog = {
    ...loaded,
    scheduled: loaded.scheduled.map((entry) => ({ ...entry, job: withCommandLineSecurity(entry.job, args) })),
  };
  for (const broken of catalog.broken) io.err(`not scheduled: ${broken.message}`);
  for (const job of catalog.unscheduled) io.out(`${job.name}: unscheduled (no "schedule" in ${job.file})`);
  if (catalog.scheduled.length === 0) {
    io.err(`sluice schedule: no job with a schedule in ${args.jobs}`);
    return 1;
  }
  const metrics = args['metrics-port'] === undefined ? null : await startLoadMetrics(catalog.scheduled.map((s) => s.job), args['metrics-port'], args['metrics-host']);
  if (metrics) io.out(`metrics for Prometheus at ${metrics.server.url}`);
  const scheduler = new Scheduler({ log: (line) => io.out(line), load: runLoad, metrics: metrics?.metrics });
  const hook = stopOnSignals((signal) => void scheduler.stop(`${signal} received`));
  try {
    if (args.once) {
      const outcomes = await scheduler.runNow(catalog.scheduled);
      if (outcomes.includes('failed')) return 1;
      return outcomes.includes('loaded-with-gaps') ? 3 : 0;
    }
    for (const { job, next } of scheduler.start(catalog.scheduled)) {
      io.out(`${job.name}: scheduled "${job.schedule}" (${job.time.timezone}), next run at ${next?.toISOString() ?? 'never'}`);
    }
    await new Promise<void>((resolve) => scheduler.stopSignal.addEventListener('abort', () => resolve(), { once: true }));
    await scheduler.stop('stopping');
    io.out(`${new Date().toISOString()} sluice schedule: stopped`);
    return 0;
  } finally {
    hook.release();
    await metrics?.server.close();
  }
}

/** prom-client and the status reader are loaded only when metrics are asked for. */
async function startLoadMetrics(jobs: JobDefinition[], port: number, host: string): Promise<{ metrics: LoadMetrics; server: MetricsServer }> {
  const [{ PrometheusLoadMetrics }, { startMetricsServer }, { jobStatus }] = await Promise.all([
    import('../../metrics/load-metrics'), import('../../metrics/metrics-server'), import('../../status/job-status'),
  ]);
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const metrics = new PrometheusLoadMetrics({
    jobs: () => jobs.map((job) => ({ name: job.name, timezone: job.time.timezone })),
    status: (name) => jobStatus(byName.get(name)!, { runs: 0 }),
  });
  return { metrics, server: await startMetricsServer(metrics.registry, port, host) };
}
