// CRC-32 (IEEE 802.3, zlib's), the checksum of message format v0/v1; RecordBatch v2 uses CRC-32C instead.
// Node's own zlib.crc32 (native, Node 20.15+) does the work.
import { crc32 as zlibCrc32 } from 'node:zlib';

export function crc32(buffer: Uint8Array, start = 0, end = buffer.length): number {
  return zlibCrc32(buffer.subarray(start, end));
}
