/**
 * The authorizer's log of refused operations (Kafka's kafka.authorizer.logger), bounded so that a client retrying
 * a forbidden request cannot fill the log: in each window the first refusal of each principal, operation and
 * resource is logged in full (at most `maxLinesPerWindow` lines), the rest are counted, and one summary line with
 * the counts closes the window.
 */
export class DenialLog {
  private windowTimer: NodeJS.Timeout | null = null;
  private windowStartedAt = 0;
  private readonly loggedThisWindow = new Set<string>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly log: (line: string) => void,
    readonly windowMs = 60_000,
    readonly maxLinesPerWindow = 20,
  ) {}

  /** `key` names what was refused ("User:bob WRITE Topic:LITERAL:orders"); `line` is the full message. */
  record(key: string, line: string): void {
    if (!this.windowTimer) {
      this.windowStartedAt = Date.now();
      this.windowTimer = setTimeout(() => this.closeWindow(), this.windowMs);
      this.windowTimer.unref();
    }
    if (!this.loggedThisWindow.has(key) && this.loggedThisWindow.size < this.maxLinesPerWindow) {
      this.loggedThisWindow.add(key);
      this.log(line);
      return;
    }
    this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
  }

  /** Writes the pending summary, if any. */
  flush(): void {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.closeWindow();
  }

  private closeWindow(): void {
    this.windowTimer = null;
    this.loggedThisWindow.clear();
    if (this.suppressed.size === 0) return;
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    const top = [...this.suppressed].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const counts = top.map(([key, count]) => `${key}: ${count}`).join(', ');
    const more = this.suppressed.size > top.length ? `, and ${this.suppressed.size - top.length} more` : '';
    this.log(`authorizer: ${total} more denied operation${total === 1 ? '' : 's'} in the last ${Date.now() - this.windowStartedAt} ms not logged one by one (${counts}${more})`);
    this.suppressed.clear();
  }
}
