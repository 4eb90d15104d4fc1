/**
 * Every exit status a sluice command returns, in one place (documented in the README's "Exit codes"). Scripts and
 * schedulers (cron, Airflow, Nagios-style checks) tell a retry-later from a failure by them.
 */
export const EXIT = {
  /** Done, nothing wrong. */
  OK: 0,
  /** Failed: bad input, an unreachable cluster, a check that found problems. */
  FAILED: 1,
  /** The command line is wrong: an unknown flag, a missing value (help is printed). */
  USAGE: 2,
  /** Loaded and committed, but offsets were lost to retention before they could be loaded (a gap). */
  LOADED_WITH_GAPS: 3,
  /** Another run holds the job's lock (on at least one of the partitions this run needs): try again later. */
  LOCKED: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A flag's value is wrong (out of range, malformed): a usage error, exit 2, as yargs's own checks give. */
export class CommandLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandLineError';
  }
}
