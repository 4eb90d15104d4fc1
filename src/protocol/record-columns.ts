// The records of a fetch as columns: offsets, timestamps and where each key and value lie in the fetched (or
// decompressed) bytes. No object or Buffer per record (the loader reads a million records a second): a value is
// scanned where it lies. `record(i)` makes the object form for whoever needs it.
import { BATCH_HEADER_SIZE, COMPRESSION_NAMES, LOG_OVERHEAD, compressionOf, readBatchHeader, usesLogAppendTime } from './record-batch';
import { decompressRecords, UnsupportedCompressionError } from './compression';
import { readZigzag } from './varint';
import { KafkaError } from './error-codes';
import { nativeAddon } from './native-addon';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export class MalformedRecordError extends KafkaError {
  constructor(readonly baseOffset: number, readonly recordIndex: number, detail: string) {
    super('CORRUPT_MESSAGE', `batch at offset ${baseOffset}, record ${recordIndex}: ${detail}`);
    this.name = 'MalformedRecordError';
  }
}

/** The headers of every record that has none (most): one frozen array, not one per record. */
export const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

const INITIAL_CAPACITY = 256;

export class RecordColumns {
  length = 0;
  offsets = new Float64Array(INITIAL_CAPACITY);
  timestamps = new Float64Array(INITIAL_CAPACITY);
  /** Which of `buffers` holds record i's key, and its value (the same one for fetched records). */
  keyBuffers = new Int32Array(INITIAL_CAPACITY);
  valueBuffers = new Int32Array(INITIAL_CAPACITY);
  /** Where record i's key and value start and end; a start of -1 is null. */
  keyStarts = new Int32Array(INITIAL_CAPACITY);
  keyEnds = new Int32Array(INITIAL_CAPACITY);
  valueStarts = new Int32Array(INITIAL_CAPACITY);
  valueEnds = new Int32Array(INITIAL_CAPACITY);
  readonly buffers: Buffer[] = [];
  /** Headers of the records that have any, by index. */
  private readonly headers = new Map<number, RecordHeader[]>();

  /** Columns holding `records` as they are: for sources that have objects already. */
  static of(records: readonly DecodedRecord[]): RecordColumns {
    const columns = new RecordColumns();
    for (const r of records) {
      const i = columns.push(r.offset, r.timestamp, -1);
      if (r.key !== null) {
        columns.keyBuffers[i] = columns.addBuffer(r.key);
        columns.keyStarts[i] = 0;
        columns.keyEnds[i] = r.key.length;
      }
      if (r.value !== null) {
        columns.valueBuffers[i] = columns.addBuffer(r.value);
        columns.valueStarts[i] = 0;
        columns.valueEnds[i] = r.value.length;
      }
      if (r.headers.length > 0) columns.headers.set(i, r.headers);
    }
    return columns;
  }

  addBuffer(buffer: Buffer): number {
    this.buffers.push(buffer);
    return this.buffers.length - 1;
  }

  /** Appends a record with null key and value and no headers; its index. */
  push(offset: number, timestamp: number, bufferIndex: number): number {
    if (this.length === this.offsets.length) this.grow();
    const i = this.length++;
    this.offsets[i] = offset;
    this.timestamps[i] = timestamp;
    this.keyBuffers[i] = bufferIndex;
    this.valueBuffers[i] = bufferIndex;
    this.keyStarts[i] = -1;
    this.keyEnds[i] = -1;
    this.valueStarts[i] = -1;
    this.valueEnds[i] = -1;
    return i;
  }

  setHeaders(i: number, headers: RecordHeader[]): void {
    this.headers.set(i, headers);
  }

  /** Room for `more` records without growing. */
  reserve(more: number): void {
    while (this.length + more > this.offsets.length) this.grow();
  }

  /** Drops the records from index `from` on. */
  truncate(from: number): void {
    if (from >= this.length) return;
    this.length = from;
    for (const i of this.headers.keys()) if (i >= from) this.headers.delete(i);
  }

  /** The buffer holding record i's value. */
  valueBuffer(i: number): Buffer {
    return this.buffers[this.valueBuffers[i]];
  }

  /** Record i's key as a view of the fetched bytes, or null. */
  key(i: number): Buffer | null {
    const start = this.keyStarts[i];
    return start < 0 ? null : this.buffers[this.keyBuffers[i]].subarray(start, this.keyEnds[i]);
  }

  value(i: number): Buffer | null {
    const start = this.valueStarts[i];
    return start < 0 ? null : this.buffers[this.valueBuffers[i]].subarray(start, this.valueEnds[i]);
  }

  valueLength(i: number): number {
    const start = this.valueStarts[i];
    return start < 0 ? 0 : this.valueEnds[i] - start;
  }

  headersOf(i: number): RecordHeader[] {
    return this.headers.get(i) ?? NO_HEADERS;
  }

  /** Record i as an object; its key and value are views of the fetched bytes. */
  record(i: number): DecodedRecord {
    return { offset: this.offsets[i], timestamp: this.timestamps[i], key: this.key(i), value: this.value(i), headers: this.headersOf(i) };
  }

  toRecords(): DecodedRecord[] {
    const records: DecodedRecord[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) records[i] = this.record(i);
    return records;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const grown = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.offsets = grown(this.offsets, (n) => new Float64Array(n));
    this.timestamps = grown(this.timestamps, (n) => new Float64Array(n));
    this.keyBuffers = grown(this.keyBuffers, (n) => new Int32Array(n));
    this.valueBuffers = grown(this.valueBuffers, (n) => new Int32Array(n));
    this.keyStarts = grown(this.keyStarts, (n) => new Int32Array(n));
    this.keyEnds = grown(this.keyEnds, (n) => new Int32Array(n));
    this.valueStarts = grown(this.valueStarts, (n) => new Int32Array(n));
    this.valueEnds = grown(this.valueEnds, (n) => new Int32Array(n));
  }
}

class RecordFieldError extends Error {}

/**
 * Appends the records of the batch at `pos` (whatever its codec) whose offsets are in [fromOffset, endOffset):
 * their keys and values stay where they are, in `buffer` or in the batch's decompressed body. The native loop reads
 * the batches it can (`withNative`: false only to compare it with the JS loop).
 */
export function appendBatchRecords(columns: RecordColumns, buffer: Buffer, pos = 0, fromOffset = -Infinity, endOffset = Infinity, withNative = true): void {
  const header = readBatchHeader(buffer, pos);
  const batchEnd = pos + LOG_OVERHEAD + header.batchLength;
  const compression = compressionOf(header.attributes);
  let body = buffer;
  let p = pos + BATCH_HEADER_SIZE;
  let end = batchEnd;
  if (compression !== 0) {
    try {
      body = decompressRecords(compression, buffer.subarray(p, batchEnd));
    } catch (error) {
      if (error instanceof UnsupportedCompressionError) throw error;
      throw new MalformedRecordError(header.baseOffset, 0, `cannot decompress ${COMPRESSION_NAMES[compression]}: ${(error as Error).message}`);
    }
    p = 0;
    end = body.length;
  }
  const bufferIndex = columns.buffers[columns.buffers.length - 1] === body ? columns.buffers.length - 1 : columns.addBuffer(body);
  const logAppendTime = usesLogAppendTime(header.attributes);
  const first = columns.length;
  const native = withNative ? nativeAddon() : null;
  if (native) {
    columns.reserve(header.recordsCount);
    const kept = native.appendRecords(
      body, p, end, header.recordsCount, header.baseOffset, logAppendTime ? header.maxTimestamp : header.baseTimestamp, logAppendTime ? 1 : 0,
      fromOffset, endOffset, columns.offsets, columns.timestamps, columns.keyStarts, columns.keyEnds, columns.valueStarts, columns.valueEnds, first,
    );
    if (kept >= 0) {
      columns.keyBuffers.fill(bufferIndex, first, first + kept);
      columns.valueBuffers.fill(bufferIndex, first, first + kept);
      columns.length += kept;
      return;
    }
  }
  const reader = new RecordFieldReader(body);
  for (let r = 0; r < header.recordsCount; r++) {
    try {
      reader.end = end;
      const length = reader.zigzag(p);
      const recordEnd = reader.next + length;
      if (length < 0 || recordEnd > end) throw new RecordFieldError(`length ${length} runs past the batch end`);
      reader.end = recordEnd;
      const timestampDelta = reader.zigzag(reader.next + 1); // skip record attributes
      const offset = header.baseOffset + reader.zigzag(reader.next);
      // LogAppendTime: every record carries the broker's append time, kept as the batch's max timestamp.
      const timestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
      const kept = offset >= fromOffset && offset < endOffset;
      const i = kept ? columns.push(offset, timestamp, bufferIndex) : -1;
      reader.span(reader.next);
      if (kept) {
        columns.keyStarts[i] = reader.spanStart;
        columns.keyEnds[i] = reader.spanEnd;
      }
      reader.span(reader.next);
      if (kept) {
        columns.valueStarts[i] = reader.spanStart;
        columns.valueEnds[i] = reader.spanEnd;
      }
      const headerCount = reader.zigzag(reader.next);
      if (headerCount > 0) {
        const headers: RecordHeader[] = [];
        for (let h = 0; h < headerCount; h++) {
          const hKey = reader.nullableBytes(reader.next);
          const hValue = reader.nullableBytes(reader.next);
          headers.push({ key: (hKey ?? Buffer.alloc(0)).toString('utf8'), value: hValue });
        }
        if (kept) columns.setHeaders(i, headers);
      }
      p = recordEnd;
    } catch (error) {
      // Nothing of a batch that cannot be read whole is handed over.
      columns.truncate(first);
      throw new MalformedRecordError(header.baseOffset, r, (error as Error).message);
    }
  }
}

/**
 * Reads a record's varints and byte fields without an object per field: each read leaves where the next field
 * starts in `next`, and never reads past `end`.
 */
class RecordFieldReader {
  next = 0;
  end = 0;
  /** The bytes field last read by `span`: start -1 when null. */
  spanStart = -1;
  spanEnd = -1;

  constructor(private readonly buffer: Buffer) {}

  zigzag(pos: number): number {
    const { buffer, end } = this;
    const byte = pos < end ? buffer[pos] : -1;
    if (byte >= 0 && byte < 0x80) {
      this.next = pos + 1;
      return byte & 1 ? -(byte + 1) / 2 : byte / 2;
    }
    const read = readZigzag(buffer, pos, end);
    this.next = read.next;
    return read.value;
  }

  span(pos: number): void {
    const length = this.zigzag(pos);
    if (length < 0) {
      this.spanStart = -1;
      this.spanEnd = -1;
      return;
    }
    const start = this.next;
    if (start + length > this.end) throw new RecordFieldError(`a field of ${length} bytes runs past the record end`);
    this.next = start + length;
    this.spanStart = start;
    this.spanEnd = start + length;
  }

  nullableBytes(pos: number): Buffer | null {
    this.span(pos);
    return this.spanStart < 0 ? null : this.buffer.subarray(this.spanStart, this.spanEnd);
  }
}
