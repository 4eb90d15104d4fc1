import { ProtocolDecodeError } from './errors';

const MAX_UVARINT32_BYTES = 5;

/**
 * Sequential reads over a Buffer that never run past `end`: every shortfall throws ProtocolDecodeError.
 * Byte slices (`readBytes`) share memory with the underlying buffer instead of copying it.
 */
export class Reader {
  private position: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    readonly end = buffer.length,
  ) {
    if (offset < 0 || end > buffer.length || offset > end) {
      throw new RangeError(`reader window ${offset}..${end} is outside a buffer of ${buffer.length} bytes`);
    }
    this.position = offset;
  }

  /** Position of the next read, counted from the start of `buffer`. */
  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  /** Throws unless `count` more bytes are available. */
  ensure(count: number): void {
    if (count > this.remaining) {
      throw new ProtocolDecodeError(`needs ${count} bytes at byte ${this.position}, ${this.remaining} remain`, this.position);
    }
  }

  readInt8(): number {
    this.ensure(1);
    return this.buffer.readInt8(this.position++);
  }

  readBool(): boolean {
    return this.readInt8() !== 0;
  }

  readInt16(): number {
    this.ensure(2);
    const value = this.buffer.readInt16BE(this.position);
    this.position += 2;
    return value;
  }

  readUInt16(): number {
    this.ensure(2);
    const value = this.buffer.readUInt16BE(this.position);
    this.position += 2;
    return value;
  }

  readInt32(): number {
    this.ensure(4);
    const value = this.buffer.readInt32BE(this.position);
    this.position += 4;
    return value;
  }

  readUInt32(): number {
    this.ensure(4);
    const value = this.buffer.readUInt32BE(this.position);
    this.position += 4;
    return value;
  }

  /**
   * An int64 as a number: exact up to 2^53 in magnitude, rounded beyond. The high word times 2^32 is exact, so the
   * one rounding is that of the sum: the same number as Number(readBigInt64BE), without a BigInt.
   */
  readInt64(): number {
    this.ensure(8);
    const value = this.buffer.readInt32BE(this.position) * 0x100000000 + this.buffer.readUInt32BE(this.position + 4);
    this.position += 8;
    return value;
  }

  readFloat64(): number {
    this.ensure(8);
    const value = this.buffer.readDoubleBE(this.position);
    this.position += 8;
    return value;
  }

  /** Kafka's unsigned varint, limited to 32 bits (at most 5 bytes). */
  readUVarint(): number {
    const start = this.position;
    let value = 0;
    for (let i = 0; i < MAX_UVARINT32_BYTES; i++) {
      if (this.position >= this.end) {
        throw new ProtocolDecodeError(`has a varint at byte ${start} that runs past the end (${this.end - start} bytes remain)`, start);
      }
      const byte = this.buffer[this.position++];
      if (i === MAX_UVARINT32_BYTES - 1 && byte > 0x0f) break;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return value;
    }
    throw new ProtocolDecodeError(`has a varint at byte ${start} that does not fit in 32 bits`, start);
  }

  /** The next `count` bytes as a view (no copy). */
  readBytes(count: number): Buffer {
    this.ensure(count);
    const bytes = this.buffer.subarray(this.position, this.position + count);
    this.position += count;
    return bytes;
  }

  readUtf8(byteLength: number): string {
    this.ensure(byteLength);
    const text = this.buffer.toString('utf8', this.position, this.position + byteLength);
    this.position += byteLength;
    return text;
  }

  skip(count: number): void {
    this.ensure(count);
    this.position += count;
  }

  /** Reads an int16 `ahead` bytes past the current position without moving. */
  peekInt16(ahead = 0): number {
    this.ensure(ahead + 2);
    return this.buffer.readInt16BE(this.position + ahead);
  }

  /** Moves back to `offset`, a position this reader was at (the codec reads a message again after a failed attempt). */
  rewindTo(offset: number): void {
    if (offset > this.position || offset < 0) throw new RangeError(`cannot rewind from byte ${this.position} to ${offset}`);
    this.position = offset;
  }

  /** A reader over the next `count` bytes; this reader moves past them. */
  take(count: number): Reader {
    this.ensure(count);
    const child = new Reader(this.buffer, this.position, this.position + count);
    this.position += count;
    return child;
  }
}
