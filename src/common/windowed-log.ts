/** What one window held back: each key's count, and the last extra detail recorded with a held-back line. */
export interface HeldBack<K> {
  counts: Map<K, number>;
  total: number;
  elapsedMs: number;
  lastDetail: string;
}

/**
 * A log that the events it records cannot flood: in each window the first line of each key is written in full (at
 * most `maxKeysPerWindow` keys), the rest are counted, and `summary` writes one line for what was held back when
 * the window closes. The bad-client log and the authorizer's denial log are both this.
 */
export class WindowedLog<K> {
  private windowTimer: NodeJS.Timeout | null = null;
  private windowStartedAt = 0;
  private readonly loggedThisWindow = new Set<K>();
  private readonly suppressed = new Map<K, number>();
  private lastDetail = '';

  constructor(
    private readonly log: (line: string) => void,
    readonly windowMs: number,
    private readonly summary: (held: HeldBack<K>) => string,
    readonly maxKeysPerWindow = Infinity,
  ) {}

  record(key: K, line: string, detail = ''): void {
    if (!this.windowTimer) {
      this.windowStartedAt = Date.now();
      this.windowTimer = setTimeout(() => this.closeWindow(), this.windowMs);
      this.windowTimer.unref();
    }
    if (!this.loggedThisWindow.has(key) && this.loggedThisWindow.size < this.maxKeysPerWindow) {
      this.loggedThisWindow.add(key);
      this.log(line);
      return;
    }
    this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1);
    this.lastDetail = detail;
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
    this.log(this.summary({ counts: new Map(this.suppressed), total, elapsedMs: Date.now() - this.windowStartedAt, lastDetail: this.lastDetail }));
    this.suppressed.clear();
  }
}
