import { isUtf8 } from 'node:buffer';
import type { DecodedRecord } from '../protocol/records';

/**
 * Bytes as `consume --format json` prints them, without loss: null stays null (a tombstone, a record with no key),
 * empty stays "", valid UTF-8 is a JSON string, and anything else is `{"base64": "..."}` of the exact bytes.
 */
export type JsonBytes = string | null | { base64: string };

export interface JsonHeader {
  key: string;
  value: JsonBytes;
}

/** One line of `sluice consume --format json`. */
export interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: JsonBytes;
  value: JsonBytes;
  headers: JsonHeader[];
}

export class BadJsonBytesError extends Error {
  constructor(readonly where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = 'BadJsonBytesError';
  }
}

export function bytesToJson(bytes: Buffer | null): JsonBytes {
  if (bytes === null) return null;
  return isUtf8(bytes) ? bytes.toString('utf8') : { base64: bytes.toString('base64') };
}

/** The inverse of bytesToJson: the exact bytes a printed field stands for. */
export function bytesFromJson(field: unknown, where: string): Buffer | null {
  if (field === null) return null;
  if (typeof field === 'string') return Buffer.from(field, 'utf8');
  if (typeof field === 'object' && typeof (field as { base64?: unknown }).base64 === 'string') {
    const text = (field as { base64: string }).base64;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new BadJsonBytesError(where, 'base64 field is not base64');
    return Buffer.from(text, 'base64');
  }
  throw new BadJsonBytesError(where, `expected null, a string or {"base64": "..."}, got ${JSON.stringify(field)}`);
}

export function recordToJson(topic: string, partition: number, record: DecodedRecord): JsonRecord {
  return {
    topic,
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: bytesToJson(record.key),
    value: bytesToJson(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: bytesToJson(header.value) })),
  };
}
