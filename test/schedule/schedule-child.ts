import { ChildProcess, spawn } from 'node:child_process';
import { SLUICE_BIN } from '../helpers/cli';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One run as `sluice schedule` logged it: from its start line to its end, failure or skip line. */
export interface LoggedRun {
  job: string;
  runId: string;
  tickAt: number;
  startedAt: number;
  endedAt: number | null;
  outcome: 'ended' | 'failed' | 'skipped' | null;
  endLine: string | null;
}

const START = /^(\S+Z) (\S+): run (\S+) started \(tick at (\S+Z)\) → table \S+ in .+$/;
const END = /^(\S+Z) (\S+): run (\S+) (ended|failed|skipped)/;

/** Runs' start and end lines paired up by run id, in start order. */
export function parseRuns(lines: string[]): LoggedRun[] {
  const runs = new Map<string, LoggedRun>();
  for (const line of lines) {
    const start = START.exec(line);
    if (start) {
      runs.set(start[3], { job: start[2], runId: start[3], tickAt: Date.parse(start[4]), startedAt: Date.parse(start[1]), endedAt: null, outcome: null, endLine: null });
      continue;
    }
    const end = END.exec(line);
    const run = end ? runs.get(end[3]) : undefined;
    if (end && run) Object.assign(run, { endedAt: Date.parse(end[1]), outcome: end[4], endLine: line });
  }
  return [...runs.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/** Records loaded by a run, from its end line ("… 3 ranges, 1200 records, …"). */
export function recordsOf(run: LoggedRun): number {
  const match = / (\d+) records,/.exec(run.endLine ?? '');
  return match ? Number(match[1]) : 0;
}

/** `sluice schedule` as a real child process, its stdout kept line by line. */
export class ScheduleChild {
  readonly lines: string[] = [];
  private stderrText = '';
  private readonly child: ChildProcess;
  private readonly waiters: { test: (lines: string[]) => boolean; resolve: () => void }[] = [];
  readonly exited: Promise<Exit>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [SLUICE_BIN, 'schedule', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
      for (const waiter of [...this.waiters]) {
        if (!waiter.test(this.lines)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  get stderr(): string {
    return this.stderrText;
  }

  runs(): LoggedRun[] {
    return parseRuns(this.lines);
  }

  /** Resolves once `test` holds for the lines so far; rejects if the process exits or `timeoutMs` passes first. */
  until(what: string, test: (lines: string[]) => boolean, timeoutMs: number): Promise<void> {
    if (test(this.lines)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; log:\n${this.lines.join('\n')}\n${this.stderrText}`)), timeoutMs);
      const waiter = { test, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`sluice schedule exited while waiting for ${what}; log:\n${this.lines.join('\n')}\n${this.stderrText}`));
      });
    });
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** For afterEach: makes sure no child outlives its test. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
