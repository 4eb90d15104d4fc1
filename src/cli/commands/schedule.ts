import type { Argv } from 'yargs';
import { loadJobCatalog } from '../../schedule/job-catalog';
import { Scheduler } from '../../schedule/scheduler';
import { runLoadThenCompact } from '../../pipeline/compact-job';
import { stopOnSignals } from '../../schedule/stop-signals';
import type { CommandIO } from '../io';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface ScheduleArgs extends SecurityArgs {
  jobs: string;
  job?: string[];
  once: boolean;
}

export const command = 'schedule';
export const describe = 'Run every job on its cron schedule until SIGTERM/SIGINT; a job never overlaps itself';

export function builder(yargs: Argv): Argv<ScheduleArgs> {
  return withSecurityOptions(yargs)
    .option('jobs', { type: 'string', default: 'jobs', describe: 'directory of job definitions' })
    .option('job', { type: 'string', array: true, describe: 'only these jobs (by name or file name), repeatable' })
    .option('once', { type: 'boolean', default: false, describe: 'run every selected scheduled job now, once, and exit' }) as Argv<ScheduleArgs>;
}

/**
 * Exit status: 0 after a clean stop (or, with --once, when no run failed); 1 when a --once run
 * failed or there is nothing to schedule.
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
  const scheduler = new Scheduler({ log: (line) => io.out(line), load: runLoadThenCompact });
  const hook = stopOnSignals((signal) => void scheduler.stop(`${signal} received`));
  try {
    if (args.once) {
      const outcomes = await scheduler.runNow(catalog.scheduled);
      return outcomes.includes('failed') ? 1 : 0;
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
  }
}
