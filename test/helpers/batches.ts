import { buildRecordBatch, RecordInput } from '../../src/protocol/records';

/** `count` records whose values say which batch and record they are, padded to `valueBytes`. */
export function makeBatch(label: string, count: number, options: { timestamp?: number; valueBytes?: number } = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const text = `${label}:${i}`;
    const value = Buffer.alloc(Math.max(options.valueBytes ?? 0, text.length), '.');
    value.write(text);
    records.push({ key: Buffer.from(`k${i}`), value, timestamp: options.timestamp });
  }
  return buildRecordBatch(records, 0, options.timestamp ?? 1_700_000_000_000);
}
