type Wake = () => void;

/**
 * Lets a long-polling Fetch sleep until something is appended to a partition
 * it reads, or until its deadline.
 */
export class AppendNotifier {
  private readonly byPartition = new Map<string, Set<Wake>>();
  private readonly everyone = new Set<Wake>();

  private static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  appended(topic: string, partition: number): void {
    const waiting = this.byPartition.get(AppendNotifier.key(topic, partition));
    if (waiting) for (const wake of [...waiting]) wake();
  }

  /** Resolves on the first append to any of `partitions`, after `ms`, or at wakeAll(). */
  waitForAppend(partitions: { topic: string; partition: number }[], ms: number): Promise<void> {
    return new Promise((resolve) => {
      const keys = partitions.map((p) => AppendNotifier.key(p.topic, p.partition));
      const wake = () => {
        clearTimeout(timer);
        this.everyone.delete(wake);
        for (const key of keys) {
          const waiting = this.byPartition.get(key);
          waiting?.delete(wake);
          if (waiting?.size === 0) this.byPartition.delete(key);
        }
        resolve();
      };
      // setTimeout takes at most 2^31-1 ms; a client may ask for more.
      const timer = setTimeout(wake, Math.min(ms, 0x7fffffff));
      this.everyone.add(wake);
      for (const key of keys) {
        let waiting = this.byPartition.get(key);
        if (!waiting) this.byPartition.set(key, (waiting = new Set()));
        waiting.add(wake);
      }
    });
  }

  /** Wakes every waiter, e.g. at shutdown. */
  wakeAll(): void {
    for (const wake of [...this.everyone]) wake();
  }
}
