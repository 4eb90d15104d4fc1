// A range's dead letters, spooled to a local file past a few MB: a run where a fifth of a million records is bad
// would otherwise hold every letter (value and key in base64) in memory until the range ends.
import * as fs from 'node:fs';

const SPILL_BYTES = 4 << 20;

export class DeadLetterSpool {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private fd: number | undefined;
  private spilled = 0;

  constructor(private readonly localFile: string) {}

  get empty(): boolean {
    return this.pendingBytes === 0 && this.spilled === 0;
  }

  add(letter: object): void {
    const line = Buffer.from(`${JSON.stringify(letter)}\n`);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= SPILL_BYTES) this.spill();
  }

  /** Hands the letters to `small` (all in memory) or `large` (the local file, which is removed afterwards); the bytes. */
  async finish(small: (body: Buffer) => Promise<void>, large: (localFile: string) => Promise<void>): Promise<number> {
    if (this.fd === undefined) {
      const body = Buffer.concat(this.pending);
      this.pending = [];
      await small(body);
      return body.length;
    }
    this.spill();
    fs.closeSync(this.fd);
    this.fd = undefined;
    try {
      await large(this.localFile);
    } finally {
      fs.rmSync(this.localFile, { force: true });
    }
    return this.spilled;
  }

  discard(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.pending = [];
    fs.rmSync(this.localFile, { force: true });
  }

  private spill(): void {
    this.fd ??= fs.openSync(this.localFile, 'w');
    const body = Buffer.concat(this.pending);
    let done = 0;
    while (done < body.length) done += fs.writeSync(this.fd, body, done);
    this.spilled += body.length;
    this.pending = [];
    this.pendingBytes = 0;
  }
}
