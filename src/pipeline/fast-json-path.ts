// The load's JSON fast path, record by record: which Kafka records it takes, their event time and partition fields.
import { isUtf8 } from 'node:buffer';
import type { FlatJsonSchema } from '../formats/flat-json-schema';
import type { ScannedJsonRow } from '../formats/flat-json-row';
import { JsonRecordScanner } from '../formats/json-record-scanner';
import type { RecordColumns } from '../protocol/record-columns';
import type { PartitionTemplate } from '../table/partition-template';

/** The largest epoch millisecond a JavaScript Date holds (the per-record path refuses times beyond it). */
const MAX_DATE_MS = 8.64e15;

export class FastJsonPath {
  private readonly scanner: JsonRecordScanner;
  private readonly row: ScannedJsonRow;
  private readonly withKey: boolean;
  /** Schema field index of each field segment of the partitioning. */
  private readonly partitionFieldIndexes: [string, number][];
  /** The event time of the record last accepted. */
  eventTime = NaN;

  constructor(readonly schema: FlatJsonSchema, partitioning: PartitionTemplate) {
    this.scanner = new JsonRecordScanner(schema);
    this.row = { scanner: this.scanner, metadata: { partition: 0, offset: 0, timestamp: 0, key: null } };
    this.withKey = schema.metadata.includes('key');
    this.partitionFieldIndexes = partitioning.segments.flatMap((s) => (s.kind === 'field' ? [[s.field, schema.fields.findIndex((f) => f.name === s.field)] as [string, number]] : []));
  }

  /**
   * The record as a row the writers take from its bytes, or null: then the per-record path decides it (a bad
   * record, or a good one the scanner does not vouch for). The row is valid until the next call.
   */
  accept(records: RecordColumns, i: number, partition: number): ScannedJsonRow | null {
    const start = records.valueStarts[i];
    if (start < 0) return null;
    const bytes = records.valueBuffer(i);
    const end = records.valueEnds[i];
    const { scanner } = this;
    if (!scanner.scan(bytes, start, end) || (scanner.nonAscii && !isUtf8(bytes.subarray(start, end)))) return null;
    const key = this.withKey ? records.key(i) : null;
    if (key !== null && !isUtf8(key)) return null;
    const timestamp = records.timestamps[i];
    const eventTime = this.schema.timeField < 0 ? timestamp : scanner.eventTime();
    if (!(Math.abs(eventTime) <= MAX_DATE_MS)) return null;
    this.eventTime = eventTime;
    const { metadata } = this.row;
    metadata.partition = partition;
    metadata.offset = records.offsets[i];
    metadata.timestamp = timestamp;
    metadata.key = key;
    return this.row;
  }

  /** The partitioning's fields of the record last accepted, as JSON.parse gives them. */
  partitionFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const [name, index] of this.partitionFieldIndexes) fields[name] = index < 0 ? undefined : this.scanner.valueAt(index);
    return fields;
  }
}
