// The JSON fast path's native half (src/native/, built by `npm run build:native`): a whole run of a fetch's records
// scanned and encoded by C++ in one call, for the values it vouches for; each other record answers -1 and takes
// the JS scanner (json-record-scanner.ts), then the per-record path. It accepts a subset of what the JS scanner
// accepts and writes the same bytes (test/formats/native-json-batch.test.ts compares them on mutated values).
import type { FlatJsonSchema } from './flat-json-schema';
import { NativeAddon, nativeAddon } from '../protocol/native-addon';
export { nativeAddon, NATIVE_ENV } from '../protocol/native-addon';
import type { RecordColumns } from '../protocol/record-columns';

export type NativeOutput = 'avro' | 'ndjson';

const KINDS = { int: 0, long: 1, float: 2, double: 3, boolean: 4, string: 5, enum: 6 } as const;
const METADATA = { partition: 0, offset: 1, timestamp: 2, key: 3 } as const;
const MAX_RUN = 8192;
const OUT_BYTES = 256 * 1024;

/** The schema as addon.cc's parse_schema reads it: little-endian u32s, byte strings as length and bytes. */
export function schemaLayout(schema: FlatJsonSchema): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    parts.push(b);
  };
  const bytes = (b: Buffer) => {
    u32(b.length);
    parts.push(b);
  };
  u32(schema.fields.length);
  for (const field of schema.fields) {
    u32(KINDS[field.kind]);
    u32(field.nullable ? 1 : 0);
    u32(field.nullBranch);
    u32(field.valueBranch);
    bytes(field.nameBytes);
    u32(field.symbols.length);
    for (const symbol of field.symbols) bytes(symbol);
  }
  u32(schema.metadata.length);
  schema.metadata.forEach((column, m) => {
    u32(METADATA[column]);
    bytes(schema.metadataNames[m]);
  });
  u32(schema.timeField);
  u32(schema.timeUnit === 'micros' ? 1 : 0);
  return Buffer.concat(parts);
}

/** Whether the native scan can give this schema's event times as the JS path does (a numeric time field, or none). */
function timeIsNative(schema: FlatJsonSchema): boolean {
  if (schema.timeField < 0) return true;
  const { kind } = schema.fields[schema.timeField];
  return schema.timeUnit !== 'iso' && (kind === 'int' || kind === 'long' || kind === 'float' || kind === 'double');
}

export class NativeJsonBatch {
  /**
   * The encodings of the run last scanned, and for its record k: spans[2k], spans[2k + 1] (a start of -1: not
   * taken). Each scan has a fresh buffer, never written again, so that writers may copy a run of records from it
   * later in one go (writeEncoded).
   */
  out = EMPTY;
  /** The size of each scan's buffer (one record's bound at least). */
  outBytes = OUT_BYTES;
  readonly spans = new Int32Array(2 * MAX_RUN);
  readonly eventTimes = new Float64Array(MAX_RUN);
  /** The record accept() last took: its encoding starts here in `out`, and its event time. */
  start = 0;
  eventTime = NaN;
  private batch: RecordColumns | null = null;
  private from = 0;
  private count = 0;
  private readonly compiled: object;
  private readonly output: number;

  /** A native batch for the schema, or null when the addon is missing or cannot give what the JS path gives. */
  static create(schema: FlatJsonSchema, output: NativeOutput): NativeJsonBatch | null {
    const native = nativeAddon();
    return native && timeIsNative(schema) ? new NativeJsonBatch(native, schema, output) : null;
  }

  private constructor(private readonly native: NativeAddon, private readonly schema: FlatJsonSchema, output: NativeOutput) {
    this.compiled = native.compileSchema(schemaLayout(schema));
    this.output = output === 'avro' ? 0 : 1;
  }

  /** Record i's encoding's end in `out` (from `start`), or -1: the JS path takes it. Valid until the next call. */
  accept(batch: RecordColumns, i: number, partition: number): number {
    let k = i - this.from;
    if (batch !== this.batch || k < 0 || k >= this.count) {
      this.scan(batch, i, partition);
      k = 0;
    }
    const start = this.spans[2 * k];
    if (start < 0) return -1;
    this.start = start;
    this.eventTime = this.eventTimes[k];
    return this.spans[2 * k + 1];
  }

  /** Scans the records from i on that lie in the same fetched buffers, as many as `out` takes (at least one). */
  private scan(batch: RecordColumns, i: number, partition: number): void {
    const { valueBuffers, keyBuffers, keyStarts } = batch;
    const valueBuffer = valueBuffers[i];
    let keyBuffer = keyStarts[i] >= 0 ? keyBuffers[i] : -1;
    let to = i + 1;
    const limit = Math.min(batch.length, i + MAX_RUN);
    while (to < limit && valueBuffers[to] === valueBuffer && (keyStarts[to] < 0 || keyBuffer < 0 || keyBuffers[to] === keyBuffer)) {
      if (keyStarts[to] >= 0) keyBuffer = keyBuffers[to];
      to++;
    }
    const bound = batch.valueLength(i) + (keyStarts[i] >= 0 ? batch.keyEnds[i] - keyStarts[i] : 0) + 16 * this.schema.fields.length + 256;
    this.out = Buffer.allocUnsafe(Math.max(this.outBytes, 2 * bound));
    const values = valueBuffer >= 0 ? batch.buffers[valueBuffer] : EMPTY;
    const keys = keyBuffer >= 0 ? batch.buffers[keyBuffer] : null;
    this.count = this.native.scanBatch(
      this.compiled, this.output, values, batch.valueStarts, batch.valueEnds, keys, keyStarts, batch.keyEnds, batch.offsets,
      batch.timestamps, i, to, partition, this.out, 0, this.spans, this.eventTimes,
    );
    this.batch = batch;
    this.from = i;
  }
}

const EMPTY = Buffer.alloc(0);
