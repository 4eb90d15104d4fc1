import { WindowedLog } from '../common/windowed-log';

/** What a client did that made the broker close or refuse its connection. */
export type BadClientKind =
  | 'bad frame size'
  | 'request not complete in time'
  | 'request failed'
  | 'socket error'
  | 'too many connections'
  | 'tls handshake failed'
  | 'request before authentication'
  | 'authentication failed';

/**
 * Logs bad-client events so that clients cannot decide the log's size: in each
 * window the first event of each kind is logged in full, the rest are counted,
 * and one summary line with the counts closes the window.
 */
export class BadClientLog {
  private readonly window: WindowedLog<BadClientKind>;

  constructor(log: (line: string) => void, readonly windowMs: number) {
    this.window = new WindowedLog(log, windowMs, ({ counts, total, elapsedMs, lastDetail }) =>
      `bad clients: ${total} more connection${total === 1 ? '' : 's'} closed or refused in the last ${elapsedMs} ms ` +
      `and not logged one by one (${[...counts].map(([kind, count]) => `${kind}: ${count}`).join(', ')}); the latest from ${lastDetail}`);
  }

  record(kind: BadClientKind, from: string, line: string): void {
    this.window.record(kind, line, from);
  }

  /** Writes the pending summary, if any; the next event opens a new window. */
  flush(): void {
    this.window.flush();
  }
}
