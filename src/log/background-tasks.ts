const REPORT_INTERVAL_MS = 60_000;

/**
 * Periodic upkeep that never throws out of a timer: a failing task is
 * reported (at most once a minute per task, so a stuck disk cannot flood the
 * log) and simply runs again at its next tick.
 */
export class BackgroundTasks {
  private timers: NodeJS.Timeout[] = [];
  private readonly lastReported = new Map<string, number>();

  constructor(private readonly report: (line: string) => void) {}

  get running(): boolean {
    return this.timers.length > 0;
  }

  every(ms: number, task: string, work: () => void): void {
    const timer = setInterval(() => {
      try {
        work();
      } catch (error) {
        this.reportFailure(task, `${task} failed (tried again later): ${(error as Error).message}`);
      }
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Reports `line` unless `task` already reported within the last minute. */
  reportFailure(task: string, line: string): void {
    const now = Date.now();
    if (now - (this.lastReported.get(task) ?? -Infinity) < REPORT_INTERVAL_MS) return;
    this.lastReported.set(task, now);
    this.report(line);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }
}
