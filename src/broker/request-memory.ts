/**
 * Kafka's queued.max.request.bytes: one budget, shared by every connection, for
 * the bytes of requests still being received or not yet handled.
 *
 * A request takes its declared size from the budget when its size prefix
 * arrives, as Kafka's memory pool does, and gives it back once it has been
 * handled. Unlike Kafka's pool, which lets a request through whenever any room
 * is left, a request must fit in what is left, so large requests waiting on
 * each other do not hold up small ones. One request larger than the whole cap
 * is let through when nothing else holds room, or it could never be read.
 */
export class RequestMemory {
  private used = 0;
  private readonly waiting: Waiter[] = [];

  /** `capBytes` < 0 means no cap, Kafka's -1. */
  constructor(readonly capBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Counts bytes that have already arrived whole: they are in memory, so they cannot be refused. */
  hold(bytes: number): void {
    this.used += bytes;
  }

  /**
   * Takes room for a request still arriving. Returns true if it fits now;
   * otherwise `granted` runs once it does (with the room taken), unless
   * `cancel` is called first.
   */
  reserve(bytes: number, granted: () => void): boolean {
    if (this.fits(bytes)) {
      this.used += bytes;
      return true;
    }
    this.waiting.push({ bytes, granted });
    return false;
  }

  cancel(granted: () => void): void {
    const index = this.waiting.findIndex((w) => w.granted === granted);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  release(bytes: number): void {
    this.used -= bytes;
    // Oldest first; a waiter that does not fit yet does not block smaller ones behind it.
    for (let i = 0; i < this.waiting.length; ) {
      const waiter = this.waiting[i];
      if (!this.fits(waiter.bytes)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.used += waiter.bytes;
      waiter.granted();
    }
  }

  private fits(bytes: number): boolean {
    return this.capBytes < 0 || this.used + bytes <= this.capBytes || this.used === 0;
  }
}

interface Waiter {
  bytes: number;
  granted: () => void;
}
