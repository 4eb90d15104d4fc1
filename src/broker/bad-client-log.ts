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
  private windowTimer: NodeJS.Timeout | null = null;
  private windowStartedAt = 0;
  private readonly loggedThisWindow = new Set<BadClientKind>();
  private readonly suppressed = new Map<BadClientKind, number>();
  private lastSuppressedFrom = '';

  constructor(
    private readonly log: (line: string) => void,
    readonly windowMs: number,
  ) {}

  record(kind: BadClientKind, from: string, line: string): void {
    if (!this.windowTimer) {
      this.windowStartedAt = Date.now();
      this.windowTimer = setTimeout(() => this.closeWindow(), this.windowMs);
      this.windowTimer.unref();
    }
    if (!this.loggedThisWindow.has(kind)) {
      this.loggedThisWindow.add(kind);
      this.log(line);
      return;
    }
    this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
    this.lastSuppressedFrom = from;
  }

  /** Writes the pending summary, if any; the next event opens a new window. */
  flush(): void {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.closeWindow();
  }

  private closeWindow(): void {
    this.windowTimer = null;
    this.loggedThisWindow.clear();
    if (this.suppressed.size === 0) return;
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    const counts = [...this.suppressed].map(([kind, count]) => `${kind}: ${count}`).join(', ');
    this.log(
      `bad clients: ${total} more connection${total === 1 ? '' : 's'} closed or refused in the last ${Date.now() - this.windowStartedAt} ms ` +
        `and not logged one by one (${counts}); the latest from ${this.lastSuppressedFrom}`,
    );
    this.suppressed.clear();
  }
}
