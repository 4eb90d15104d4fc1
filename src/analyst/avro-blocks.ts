// The blocks of an Avro object container file after its header: each a record count, a byte size, the records as
// the file's codec stored them, and the file's sync marker. No avsc here, so decoding threads load little.
import * as zlib from 'node:zlib';
import { readZigzag } from '../protocol/varint';

// snappyjs ships no type declarations.
const snappy = require('snappyjs') as { uncompress(input: Buffer): Uint8Array };

export const SYNC_BYTES = 16;

/** A file that is not a readable Avro container file; `file` names it and `detail` says where it went wrong. */
export class AvroContainerError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`Avro file ${file}: ${detail}`);
    this.name = 'AvroContainerError';
  }
}

export interface StoredBlock {
  index: number;
  /** The block's byte offset in the file. */
  start: number;
  count: number;
  stored: Buffer;
}

export function decompressor(codec: string, file: string): (block: Buffer) => Buffer {
  switch (codec) {
    case 'null':
      return (block) => block;
    case 'deflate':
      // One output chunk the size of most blocks' records: zlib's default (16 KiB) pieces would be copied together.
      return (block) => zlib.inflateRawSync(block, { chunkSize: Math.max(64 * 1024, block.length * 8) });
    case 'snappy':
      // Each snappy block is followed by the CRC-32 of its uncompressed bytes.
      return (block) => {
        const data = Buffer.from(snappy.uncompress(block.subarray(0, block.length - 4)));
        if (zlib.crc32(data) !== block.readUInt32BE(block.length - 4)) throw new AvroContainerError(file, 'a snappy block fails its CRC-32 check');
        return data;
      };
    default:
      throw new AvroContainerError(file, `codec ${JSON.stringify(codec)} is not supported (null, deflate and snappy are)`);
  }
}

/** The blocks from byte `start` (the end of the header) on, each checked against the sync marker. */
export function* storedBlocks(file: string, bytes: Buffer, start: number, sync: Uint8Array): Generator<StoredBlock> {
  let pos = start;
  const long = (): number => {
    try {
      const read = readZigzag(bytes, pos, bytes.length);
      pos = read.next;
      return read.value;
    } catch (error) {
      throw new AvroContainerError(file, `block header at byte ${pos}: ${(error as Error).message}`);
    }
  };
  for (let index = 0; pos < bytes.length; index++) {
    const blockStart = pos;
    const count = long();
    const size = long();
    if (count < 0 || size < 0 || pos + size + SYNC_BYTES > bytes.length) {
      throw new AvroContainerError(file, `block ${index} at byte ${blockStart} claims ${count} records in ${size} bytes, past the end of the file`);
    }
    const stored = bytes.subarray(pos, pos + size);
    pos += size;
    if (!bytes.subarray(pos, pos + SYNC_BYTES).equals(sync)) throw new AvroContainerError(file, `block ${index} at byte ${blockStart} is not followed by the sync marker`);
    pos += SYNC_BYTES;
    yield { index, start: blockStart, count, stored };
  }
}
