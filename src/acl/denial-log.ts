import { WindowedLog } from '../common/windowed-log';

/**
 * The authorizer's log of refused operations (Kafka's kafka.authorizer.logger), bounded so that a client retrying
 * a forbidden request cannot fill the log: in each window the first refusal of each principal, operation and
 * resource is logged in full (at most `maxLinesPerWindow` lines), the rest are counted, and one summary line with
 * the counts closes the window.
 */
export class DenialLog {
  private readonly window: WindowedLog<string>;

  constructor(log: (line: string) => void, readonly windowMs = 60_000, readonly maxLinesPerWindow = 20) {
    this.window = new WindowedLog(log, windowMs, ({ counts, total, elapsedMs }) => {
      const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
      const listed = top.map(([key, count]) => `${key}: ${count}`).join(', ');
      const more = counts.size > top.length ? `, and ${counts.size - top.length} more` : '';
      return `authorizer: ${total} more denied operation${total === 1 ? '' : 's'} in the last ${elapsedMs} ms not logged one by one (${listed}${more})`;
    }, maxLinesPerWindow);
  }

  /** `key` names what was refused ("User:bob WRITE Topic:LITERAL:orders"); `line` is the full message. */
  record(key: string, line: string): void {
    this.window.record(key, line);
  }

  /** Writes the pending summary, if any. */
  flush(): void {
    this.window.flush();
  }
}
