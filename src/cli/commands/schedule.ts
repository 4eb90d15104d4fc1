import type { Argv } from 'yargs';
import { loadJobCatalog } from '../../schedule/job-catalog';
import { Scheduler } from '../../schedule/scheduler';
import { runLoadThenCompact } from '../../pipeline/compact-job';
import { stopOnSignals } from '../../schedule/stop-signals';
import type { CommandIO } from '../io';
import type { JobDefinition } from '../../job/job-definition';
import type { LoadMetrics } from '../../ports/load-metrics';
import type { MetricsServer } from '../../metrics/metrics-server';
import { EXIT } from '../exit-codes';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';
import { BootstrapArgs, bootstrapOverride, JobsDirArgs, resolveJobFile, withBootstrapOverride, withJobsDirOption } from '../job-option';

interface ScheduleArgs extends SecurityArgs, JobsDirArgs, BootstrapArgs {
  job?: string[];
  once: boolean;
  'metrics-port'?: number;
  'metrics-host': string;
}

export const command = 'schedule';
export const describe = 'Run every job on its cron schedule until SIGTERM/SIGINT; a job never overlaps itself';

export function builder(yargs: Argv): Argv<ScheduleArgs> {
  return withBootstrapOverride(withJobsDirOption(withSecurityOptions(yargs)))
    .option('job', { type: 'string', array: true, describe: 'only these jobs: job files, or names (or file names without .json) in --jobs; repeatable' })
    .option('once', { type: 'boolean', default: false, describe: 'run every selected scheduled job now, once, and exit' })
    .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics of the loads at http://<metrics-host>:<port>/metrics (0: any free port)' })
    .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'address the metrics port listens on' }) as Argv<ScheduleArgs>;
}

/**
 * Exit status: 0 after a clean stop (or, with --once, when every run loaded or had nothing new); 1 when a --once
 * run failed or there is nothing to schedule; 3 when no --once run failed but one was loaded with gaps; 4 when a
 * --once run was skipped because another process held its lock.
 */
export async function handler(args: ScheduleArgs, io: CommandIO): Promise<number> {
  // Names are found as every job command finds them, so an unknown one gets the same message.
  const only = (args.job ?? []).map((wanted) => resolveJobFile(wanted, args.jobs));
  const loaded = loadJobCatalog(args.jobs, only, { bootstrap: bootstrapOverride(args) });
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
  const scheduler = new Scheduler({ log: (line) => io.out(line), load: runLoadThenCompact, metrics: metrics?.metrics });
  const hook = stopOnSignals((signal) => void scheduler.stop(`${signal} received`));
  try {
    if (args.once) {
      const outcomes = await scheduler.runNow(catalog.scheduled);
      if (outcomes.includes('failed')) return EXIT.FAILED;
      if (outcomes.includes('locked')) return EXIT.LOCKED;
      return outcomes.includes('loaded-with-gaps') ? EXIT.LOADED_WITH_GAPS : EXIT.OK;
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
