/** Byte arrays at least this long are kept as their own output chunk instead of being copied. */
export const ZERO_COPY_THRESHOLD = 4096;

const INITIAL_SCRATCH_BYTES = 1024;
const MAX_SCRATCH_BYTES = 1024 * 1024;

export interface WriterMark {
  readonly chunks: number;
  readonly chunkedLength: number;
  readonly scratch: Buffer;
  readonly pendingStart: number;
  readonly position: number;
}

/**
 * Collects a message as a list of chunks. Small values are written into a scratch buffer that is
 * replaced by a larger one when full (never copied); big byte arrays such as Fetch record sets are
 * appended by reference, so a response can go to the socket without copying them.
 */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private chunkedLength = 0;
  private scratch: Buffer;
  /** scratch[pendingStart, position) is written but not yet in `chunks`. */
  private pendingStart = 0;
  private position = 0;

  constructor(initialScratchBytes = INITIAL_SCRATCH_BYTES) {
    this.scratch = Buffer.allocUnsafe(initialScratchBytes);
  }

  get length(): number {
    return this.chunkedLength + this.position - this.pendingStart;
  }

  writeInt8(value: number): void {
    this.reserve(1);
    this.position = this.scratch.writeInt8(value, this.position);
  }

  writeBool(value: boolean): void {
    this.writeInt8(value ? 1 : 0);
  }

  writeInt16(value: number): void {
    this.reserve(2);
    this.position = this.scratch.writeInt16BE(value, this.position);
  }

  writeUInt16(value: number): void {
    this.reserve(2);
    this.position = this.scratch.writeUInt16BE(value, this.position);
  }

  writeInt32(value: number): void {
    this.reserve(4);
    this.position = this.scratch.writeInt32BE(value, this.position);
  }

  writeUInt32(value: number): void {
    this.reserve(4);
    this.position = this.scratch.writeUInt32BE(value, this.position);
  }

  writeInt64(value: number | bigint): void {
    this.reserve(8);
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      // Two words, without a BigInt: high = floor(value / 2^32) and low in 0..2^32-1, exact for safe integers.
      const high = Math.floor(value / 0x100000000);
      this.scratch.writeInt32BE(high, this.position);
      this.position = this.scratch.writeUInt32BE(value - high * 0x100000000, this.position + 4);
      return;
    }
    this.position = this.scratch.writeBigInt64BE(BigInt(value), this.position);
  }

  writeFloat64(value: number): void {
    this.reserve(8);
    this.position = this.scratch.writeDoubleBE(value, this.position);
  }

  /** Kafka's unsigned varint for values 0 .. 2^32-1. */
  writeUVarint(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`unsigned varint ${value} is outside 0..2^32-1`);
    }
    this.reserve(5);
    let rest = value;
    while (rest >= 0x80) {
      this.scratch[this.position++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.scratch[this.position++] = rest;
  }

  /** Writes `text` as UTF-8; `byteLength` must be Buffer.byteLength(text). */
  writeUtf8(text: string, byteLength: number): void {
    if (byteLength >= ZERO_COPY_THRESHOLD) {
      this.appendChunk(Buffer.from(text, 'utf8'));
      return;
    }
    this.reserve(byteLength);
    this.position += this.scratch.write(text, this.position, byteLength, 'utf8');
  }

  /** Raw bytes: copied when small, kept by reference when ZERO_COPY_THRESHOLD bytes or more. */
  writeBytes(bytes: Uint8Array): void {
    if (bytes.length >= ZERO_COPY_THRESHOLD) {
      this.appendChunk(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      return;
    }
    this.reserve(bytes.length);
    this.scratch.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** Appends everything written to `other` (its chunks by reference). */
  writeWriter(other: Writer): void {
    for (const chunk of other.toBuffers()) this.appendChunk(chunk);
  }

  /** Where the output stands, for `reset`. */
  mark(): WriterMark {
    return { chunks: this.chunks.length, chunkedLength: this.chunkedLength, scratch: this.scratch, pendingStart: this.pendingStart, position: this.position };
  }

  /**
   * Drops what was written since `mark` (the codec writes a message again after a failed attempt). Safe: chunks kept
   * end at or before the mark's pending start, and the mark's scratch is written again only past its position.
   */
  reset(mark: WriterMark): void {
    this.chunks.length = mark.chunks;
    this.chunkedLength = mark.chunkedLength;
    this.scratch = mark.scratch;
    this.pendingStart = mark.pendingStart;
    this.position = mark.position;
  }

  /** The output so far, as chunks in order. Writing may continue afterwards. */
  toBuffers(): Buffer[] {
    this.flushPending();
    return [...this.chunks];
  }

  /** The output so far as one Buffer (copied only when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toBuffers();
    if (chunks.length === 1) return chunks[0];
    return Buffer.concat(chunks, this.chunkedLength);
  }

  private appendChunk(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.flushPending();
    this.chunks.push(chunk);
    this.chunkedLength += chunk.length;
  }

  private flushPending(): void {
    if (this.position === this.pendingStart) return;
    this.chunks.push(this.scratch.subarray(this.pendingStart, this.position));
    this.chunkedLength += this.position - this.pendingStart;
    this.pendingStart = this.position;
  }

  private reserve(bytes: number): void {
    if (this.position + bytes <= this.scratch.length) return;
    this.flushPending();
    const grown = Math.min(this.scratch.length * 2, MAX_SCRATCH_BYTES);
    this.scratch = Buffer.allocUnsafe(Math.max(bytes, grown));
    this.pendingStart = 0;
    this.position = 0;
  }
}
