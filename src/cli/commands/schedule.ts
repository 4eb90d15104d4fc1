import type { Argv } from 'yargs';
import { loadJobCatalog } from '../../schedule/job-catalog';
import { Scheduler } from '../../schedule/scheduler';
import { runLoad } from '../../pipeline/load-job';
import { stopOnSignals } from '../../schedule/stop-signals';
import type { CommandIO } from '../io';
import { EXIT } from '../exit-codes';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';
import { BootstrapArgs, bootstrapOverride, JobsDirArgs, resolveJobFile, withBootstrapOverride, withJobsDirOption } from '../job-option';

interface ScheduleArgs extends SecurityArgs, JobsDirArgs, BootstrapArgs {
  job?: string[];
  once: boolean;
}

export const command = 'schedule';
export const describe = 'Run every job on its cron schedule until SIGTERM/SIGINT; a job never overlaps itself';

export function builder(yargs: Argv): Argv<ScheduleArgs> {
  return withBootstrapOverride(withJobsDirOption(withSecurityOptions(yargs)))
    .option('job', { type: 'string', array: true, describe: 'only these jobs: job files, or names (or file names without .json) in --jobs; repeatable' })
    .option('once', { type: 'boolean', default: false, describe: 'run every selected scheduled job now, once, and exit' }) as Argv<ScheduleArgs>;
}

/**
 * Exit status: 0 after a clean stop (or, with --once, when every run loaded or had nothing new); 1 when a --once
 * run failed or there is nothing to schedule; 4 when a --once run was skipped because another process held its lock.
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
  const scheduler = new Scheduler({ log: (line) => io.out(line), load: runLoad });
  const hook = stopOnSignals((signal) => void scheduler.stop(`${signal} received`));
  try {
    if (args.once) {
      const outcomes = await scheduler.runNow(catalog.scheduled);
      if (outcomes.includes('failed')) return EXIT.FAILED;
      return outcomes.includes('locked') ? EXIT.LOCKED : EXIT.OK;
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
