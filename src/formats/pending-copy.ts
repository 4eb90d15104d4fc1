// Records already encoded elsewhere (native-json-batch.ts's buffers, never written again) that a writer has counted
// in its own buffer but not yet copied there: records that follow each other in the source are copied in one go.

export class PendingCopy {
  private bytes: Buffer | null = null;
  private start = 0;
  private end = 0;
  private at = 0;

  /** `bytes[start, end)` belongs at `at` in `target`: it joins the run before it when it follows it in `bytes`. */
  add(bytes: Buffer, start: number, end: number, at: number, target: Buffer): void {
    if (this.bytes === bytes && this.end === start) {
      this.end = end;
      return;
    }
    this.copyInto(target);
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.at = at;
  }

  /** Copies the run into `target` (before the target is read, written out or replaced). */
  copyInto(target: Buffer): void {
    if (this.bytes === null) return;
    this.bytes.copy(target, this.at, this.start, this.end);
    this.bytes = null;
  }
}
