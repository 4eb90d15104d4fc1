// Avro object container files (Avro 1.11 spec, "Object Container Files"): a header with the
// schema and codec, then blocks of records, each followed by the file's sync marker.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as avro from 'avsc';
import { AvroType, createAvroType, validateRecord } from './avro-schema';
import { nativeAddon } from '../protocol/native-addon';
import { PendingCopy } from './pending-copy';
import { avroBoundOf, encodeAvro, ScannedJsonRow } from './flat-json-row';
import type { AvroCodec, AvroRecord, AvroSchema, RecordFileWriter, WrittenFile } from './record-file-writer';

// snappyjs ships no type declarations.
const snappy = require('snappyjs') as { compress(input: Buffer): Buffer };

export interface AvroFileWriterOptions {
  /** Created, or truncated if it exists. */
  path: string;
  schema: AvroSchema;
  codec: AvroCodec;
  /** Uncompressed bytes of records per block (a record larger than this gets a block of its own); defaults below. */
  syncInterval?: number;
  /** zlib level for codec deflate, 1 (fastest) to 9 (smallest). */
  deflateLevel?: number;
  /**
   * What the sync marker is derived from (default: `path`). A loader passes the file's path in its table, so that
   * the same records written again under that name (a reload, a retried run) give the same bytes.
   */
  syncSeed?: string;
}

// Java Avro's default is 64,000 bytes; in bench/avro-bench.ts larger blocks were no faster for null and snappy. A
// deflate block is one zlib stream set up and torn down: 256 KiB blocks take ~30% less CPU to deflate page views than
// 64 KiB (1 MiB no better), files ~2% smaller. Level 1 is ~4× as fast as zlib's default 6 (Avro Java's) for files ~11%
// larger; levels 2 and 3 take 1.15× and 1.9× its time for 3% smaller (BENCHMARKS.md, "Avro output").
export const DEFAULT_SYNC_INTERVAL = 64 * 1024;
export const DEFAULT_DEFLATE_SYNC_INTERVAL = 256 * 1024;
export const DEFAULT_DEFLATE_LEVEL = 1;
/** A writer's block buffer starts at this and grows to syncInterval only for a file that fills it. */
const FIRST_BLOCK_BUFFER = 64 * 1024;

/** The file could not be written (or is no longer open). */
export class AvroFileWriteError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'AvroFileWriteError';
  }
}

/** A record that does not match the file's schema; nothing of it was written. */
export class InvalidRecordError extends Error {
  constructor(readonly path: string, readonly recordIndex: number, readonly problems: readonly string[]) {
    super(`${path}: record ${recordIndex} does not match the schema: ${problems.join('; ')}`);
    this.name = 'InvalidRecordError';
  }
}

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const METADATA_TYPE = avro.Type.forSchema({ type: 'map', values: 'bytes' });
const SYNC_SIZE = 16;
const fsync = promisify(fs.fsync);
const fstat = promisify(fs.fstat);
const closeFd = promisify(fs.close);

export function createAvroFileWriter(options: AvroFileWriterOptions): RecordFileWriter {
  return new AvroFileWriter(options);
}

// Blocks go to the file with synchronous writes: write() is synchronous for the caller, so a
// stream could not push back and would buffer the whole file in memory when records come in a
// tight loop; a block written into the page cache costs well under a millisecond.
class AvroFileWriter implements RecordFileWriter {
  private readonly path: string;
  private readonly type: AvroType;
  private readonly compress: (block: Buffer) => Buffer[];
  private readonly sync: Buffer;
  /** The block being filled: syncInterval bytes at most, allocated as it fills (see makeRoom). */
  private block: Buffer;
  private readonly syncInterval: number;
  /** Where writeScanned() encodes a row near a block's end, to learn whether it fits. */
  private scratch = Buffer.alloc(0);
  /** Records writeEncoded() counted in the block but has not copied there yet. */
  private readonly pending = new PendingCopy();
  private fd: number | undefined;
  private blockEnd = 0;
  private blockRecords = 0;
  private records = 0;
  private fileBytes = 0;
  private state: 'open' | 'closing' | 'closed' | 'aborted' | 'failed' = 'open';
  private closing: Promise<WrittenFile> | undefined;

  constructor(options: AvroFileWriterOptions) {
    this.path = options.path;
    this.sync = syncMarkerFor(options.syncSeed ?? options.path);
    this.type = createAvroType(options.schema, `schema for ${options.path}`);
    this.compress = compressorFor(options.codec, options.deflateLevel ?? DEFAULT_DEFLATE_LEVEL, options.path);
    const syncInterval = options.syncInterval ?? (options.codec === 'deflate' ? DEFAULT_DEFLATE_SYNC_INTERVAL : DEFAULT_SYNC_INTERVAL);
    if (!Number.isInteger(syncInterval) || syncInterval < 1) {
      throw new AvroFileWriteError(options.path, `syncInterval must be a positive integer, not ${syncInterval}`);
    }
    this.syncInterval = syncInterval;
    this.block = Buffer.allocUnsafe(Math.min(syncInterval, FIRST_BLOCK_BUFFER));
    try {
      this.fd = fs.openSync(options.path, 'w');
    } catch (err) {
      throw new AvroFileWriteError(options.path, `cannot create the file: ${(err as Error).message}`);
    }
    const metadata = {
      'avro.schema': Buffer.from(JSON.stringify(options.schema)),
      'avro.codec': Buffer.from(options.codec),
    };
    try {
      this.writeOut([MAGIC, METADATA_TYPE.toBuffer(metadata), this.sync]);
    } catch (err) {
      fs.closeSync(this.fd);
      fs.rmSync(this.path, { force: true });
      throw err;
    }
  }

  write(record: AvroRecord): void {
    if (this.state !== 'open') throw new AvroFileWriteError(this.path, `cannot write a record: the writer is ${this.state}`);
    let end: number;
    try {
      end = this.type.encode(record, this.block, this.blockEnd);
    } catch {
      throw this.invalidRecord(record);
    }
    // avsc answers minus the bytes missing: the record would end at block.length - end.
    if (end < 0 && this.makeRoom(this.block.length - end - this.blockEnd)) end = this.type.encode(record, this.block, this.blockEnd);
    if (end >= 0) {
      this.blockEnd = end;
      this.blockRecords++;
    } else {
      this.writeInNewBlock(record);
    }
    this.records++;
  }

  /**
   * The row encoded from its JSON bytes. Blocks end where write() would end them (a row goes in the block iff its
   * encoding fits), so the file's bytes are those of writing the same records with write().
   */
  writeScanned(row: ScannedJsonRow): void {
    if (this.state !== 'open') throw new AvroFileWriteError(this.path, `cannot write a record: the writer is ${this.state}`);
    const bound = avroBoundOf(row);
    if (this.blockEnd + bound <= this.block.length) {
      this.blockEnd = encodeAvro(row, this.block, this.blockEnd);
      this.blockRecords++;
    } else {
      if (this.scratch.length < bound) this.scratch = Buffer.allocUnsafe(bound);
      this.putEncoded(this.scratch, 0, encodeAvro(row, this.scratch, 0));
    }
    this.records++;
  }

  /**
   * A record's Avro binary encoding, already made: blocks end as write() would end them. `bytes` must not change
   * afterwards (native-json-batch.ts hands each scan a fresh buffer): records that follow each other there are
   * copied into the block in one go, when the next record is elsewhere or the block is read.
   */
  writeEncoded(bytes: Buffer, start: number, end: number): void {
    if (this.state !== 'open') throw new AvroFileWriteError(this.path, `cannot write a record: the writer is ${this.state}`);
    const length = end - start;
    if (this.blockEnd + length <= this.block.length) {
      this.pending.add(bytes, start, end, this.blockEnd, this.block);
      this.blockEnd += length;
      this.blockRecords++;
    } else {
      this.putEncoded(bytes, start, end);
    }
    this.records++;
  }

  private putEncoded(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    if (!this.makeRoom(length)) this.flushBlock();
    if (!this.makeRoom(length)) {
      this.writeBlock(bytes.subarray(start, end), 1);
      return;
    }
    this.blockEnd += bytes.copy(this.block, this.blockEnd, start, end);
    this.blockRecords++;
  }

  close(): Promise<WrittenFile> {
    if (this.state === 'aborted') return Promise.reject(new AvroFileWriteError(this.path, 'cannot close: the writer was aborted'));
    this.closing ??= this.finish();
    return this.closing;
  }

  async abort(): Promise<void> {
    const wasClosing = this.closing;
    this.state = 'aborted';
    await wasClosing?.catch(() => undefined);
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await closeFd(fd).catch(() => undefined);
    await fs.promises.rm(this.path, { force: true });
  }

  private async finish(): Promise<WrittenFile> {
    if (this.state !== 'open') throw new AvroFileWriteError(this.path, `cannot close: the writer is ${this.state}`);
    this.flushBlock();
    this.state = 'closing';
    const fd = this.fd as number;
    try {
      await fsync(fd);
      const { size } = await fstat(fd);
      this.fd = undefined;
      await closeFd(fd);
      if (this.state === 'closing') this.state = 'closed';
      return { path: this.path, records: this.records, bytes: size };
    } catch (err) {
      if (this.state === 'closing') this.state = 'failed';
      throw new AvroFileWriteError(this.path, `cannot complete the file: ${(err as Error).message}`);
    }
  }

  /** Whether `bytes` more fit in the block (within syncInterval), growing its buffer if they need it. */
  private makeRoom(bytes: number): boolean {
    const needed = this.blockEnd + bytes;
    if (needed <= this.block.length) return true;
    if (needed > this.syncInterval) return false;
    this.pending.copyInto(this.block);
    const larger = Buffer.allocUnsafe(this.syncInterval);
    this.block.copy(larger, 0, 0, this.blockEnd);
    this.block = larger;
    return true;
  }

  /** For a record that does not fit in the current block: flushes it and starts the next. */
  private writeInNewBlock(record: AvroRecord): void {
    this.flushBlock();
    let end = this.type.encode(record, this.block, 0);
    if (end < 0 && this.makeRoom(this.block.length - end)) end = this.type.encode(record, this.block, 0);
    if (end >= 0) {
      this.blockEnd = end;
      this.blockRecords = 1;
      return;
    }
    const alone = Buffer.allocUnsafe(this.block.length - end);
    this.type.encode(record, alone, 0);
    this.writeBlock(alone, 1);
  }

  private flushBlock(): void {
    if (this.blockRecords === 0) return;
    this.pending.copyInto(this.block);
    this.writeBlock(this.block.subarray(0, this.blockEnd), this.blockRecords);
    this.blockEnd = 0;
    this.blockRecords = 0;
  }

  private writeBlock(data: Buffer, records: number): void {
    const body = this.compress(data);
    let bodyBytes = 0;
    for (const part of body) bodyBytes += part.length;
    this.writeOut([zigzagVarints(records, bodyBytes), ...body, this.sync]);
  }

  private writeOut(parts: Buffer[]): void {
    try {
      let pending = parts;
      while (pending.length > 0) {
        let written = fs.writevSync(this.fd as number, pending);
        this.fileBytes += written;
        while (pending.length > 0 && written >= pending[0].length) written -= pending.shift()!.length;
        if (written > 0) pending[0] = pending[0].subarray(written);
      }
    } catch (err) {
      this.state = 'failed';
      throw new AvroFileWriteError(this.path, `cannot write at byte ${this.fileBytes}: ${(err as Error).message}`);
    }
  }

  private invalidRecord(record: AvroRecord): Error {
    const result = validateRecord(this.type, record);
    const problems = result.ok ? ['avsc could not encode it'] : result.errors;
    return new InvalidRecordError(this.path, this.records, problems);
  }
}

/**
 * The spec asks for a random 16-byte marker so that it is unlikely to occur in the data; a hash of the file's name
 * is as unlikely, and makes a file's bytes a function of its name and records alone.
 */
export function syncMarkerFor(seed: string): Buffer {
  return crypto.createHash('sha256').update(`avro sync marker of ${seed}`).digest().subarray(0, SYNC_SIZE);
}

function compressorFor(codec: AvroCodec, deflateLevel: number, path: string): (block: Buffer) => Buffer[] {
  switch (codec) {
    case 'null':
      return (block) => [block];
    case 'deflate': {
      if (!Number.isInteger(deflateLevel) || deflateLevel < 1 || deflateLevel > 9) {
        throw new AvroFileWriteError(path, `deflateLevel must be an integer from 1 to 9, not ${deflateLevel}`);
      }
      // libdeflate where the addon has it: ~1.7x zlib's speed at level 1 on page views, files ~4% smaller.
      const native = nativeAddon()?.deflateRaw;
      if (native) return (block) => [native(block, 0, block.length, deflateLevel)];
      const level = { level: deflateLevel };
      return (block) => [zlib.deflateRawSync(block, level)];
    }
    case 'snappy':
      // The Avro spec follows each snappy block with the CRC-32 of its uncompressed bytes.
      return (block) => {
        const crc = Buffer.allocUnsafe(4);
        crc.writeUInt32BE(zlib.crc32(block));
        return [snappy.compress(block), crc];
      };
    default:
      throw new AvroFileWriteError(path, `unsupported codec ${JSON.stringify(codec)}; use null, deflate or snappy`);
  }
}

/** A block's record count and byte size, each as an Avro long (zigzag varint). */
function zigzagVarints(...values: number[]): Buffer {
  const out = Buffer.allocUnsafe(10 * values.length);
  let pos = 0;
  for (const value of values) {
    for (let n = value * 2; ; n = Math.floor(n / 128)) {
      if (n < 0x80) {
        out[pos++] = n;
        break;
      }
      out[pos++] = (n % 128) | 0x80;
    }
  }
  return out.subarray(0, pos);
}
