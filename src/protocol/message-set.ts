// Kafka's message format v0 and v1 (magic 0 and 1, "MessageSet"), as Kafka's LegacyRecord lays it out:
//   offset int64, message size int32, then the message: CRC-32 int32 (over magic to the end), magic int8,
//   attributes int8 (bits 0-2 codec, bit 3 LogAppendTime in v1), timestamp int64 (v1 only), key bytes, value bytes.
// A compressed message set is one wrapper message whose value is the compressed inner message set.
import { crc32 } from './crc32';
import { KafkaError } from './error-codes';

export const LEGACY_MAGIC_POS = 16; // offset 8 + size 4 + crc 4: the same position as a v2 batch's magic
const ENTRY_HEADER = 12; // offset + message size
const CRC_BYTES = 4;
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME_FLAG = 0x08;
export const NO_TIMESTAMP = -1;

export interface LegacyMessage {
  offset: number;
  magic: 0 | 1;
  /** Bits 0-2: the codec of a wrapper's inner set; bit 3 (v1): the timestamp is the log append time. */
  attributes: number;
  /** -1 in v0, which has none. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export class CorruptMessageSetError extends KafkaError {
  constructor(readonly position: number, detail: string) {
    super('CORRUPT_MESSAGE', `message set, byte ${position}: ${detail}`);
    this.name = 'CorruptMessageSetError';
  }
}

export const codecOfMessage = (message: LegacyMessage): number => message.attributes & CODEC_MASK;
export const hasLogAppendTime = (message: LegacyMessage): boolean => message.magic === 1 && (message.attributes & LOG_APPEND_TIME_FLAG) !== 0;
export const legacyAttributes = (codec: number, logAppendTime: boolean): number => (codec & CODEC_MASK) | (logAppendTime ? LOG_APPEND_TIME_FLAG : 0);

/** Every message of a message set, each CRC-checked. A partial message at the end fails: a producer sends whole ones. */
export function readMessageSet(buffer: Buffer): LegacyMessage[] {
  const messages: LegacyMessage[] = [];
  for (let pos = 0; pos < buffer.length; ) {
    const fail = (detail: string): never => {
      throw new CorruptMessageSetError(pos, detail);
    };
    if (buffer.length - pos < ENTRY_HEADER) fail(`${buffer.length - pos} bytes left, too few for a message header`);
    const offset = Number(buffer.readBigInt64BE(pos));
    const size = buffer.readInt32BE(pos + 8);
    const start = pos + ENTRY_HEADER;
    const end = start + size;
    if (size < CRC_BYTES + 2 || end > buffer.length) fail(`message size ${size} does not fit in the ${buffer.length - start} bytes left`);
    const stored = buffer.readUInt32BE(start);
    const computed = crc32(buffer, start + CRC_BYTES, end);
    if (stored !== computed) fail(`CRC-32 mismatch: stored ${stored.toString(16)}, computed ${computed.toString(16)}`);
    const magic = buffer.readInt8(start + 4);
    if (magic !== 0 && magic !== 1) fail(`magic ${magic} in a message set (only 0 and 1)`);
    const attributes = buffer.readInt8(start + 5);
    let p = start + 6;
    let timestamp = NO_TIMESTAMP;
    if (magic === 1) {
      if (p + 8 > end) fail('message too short for its timestamp');
      timestamp = Number(buffer.readBigInt64BE(p));
      p += 8;
    }
    const readBytes = (what: string): Buffer | null => {
      if (p + 4 > end) fail(`message too short for its ${what} length`);
      const length = buffer.readInt32BE(p);
      p += 4;
      if (length < 0) return null;
      if (p + length > end) fail(`${what} of ${length} bytes runs past the message end`);
      const bytes = buffer.subarray(p, p + length);
      p += length;
      return bytes;
    };
    const key = readBytes('key');
    const value = readBytes('value');
    if (p !== end) fail(`${end - p} bytes after the value`);
    messages.push({ offset, magic: magic as 0 | 1, attributes, timestamp, key, value });
    pos = end;
  }
  return messages;
}

const bytesLength = (value: Buffer | null): number => 4 + (value?.length ?? 0);

/** One log entry (offset, size, message) with its CRC-32. */
export function writeMessage(message: LegacyMessage): Buffer {
  const size = CRC_BYTES + 2 + (message.magic === 1 ? 8 : 0) + bytesLength(message.key) + bytesLength(message.value);
  const out = Buffer.alloc(ENTRY_HEADER + size);
  out.writeBigInt64BE(BigInt(message.offset), 0);
  out.writeInt32BE(size, 8);
  let p = ENTRY_HEADER + CRC_BYTES;
  out.writeInt8(message.magic, p++);
  out.writeInt8(message.attributes, p++);
  if (message.magic === 1) {
    out.writeBigInt64BE(BigInt(message.timestamp), p);
    p += 8;
  }
  for (const field of [message.key, message.value]) {
    out.writeInt32BE(field === null ? -1 : field.length, p);
    p += 4;
    if (field !== null) p += field.copy(out, p);
  }
  out.writeUInt32BE(crc32(out, ENTRY_HEADER + CRC_BYTES), ENTRY_HEADER);
  return out;
}

/** The magic of the first entry of a produced or stored record set (v0/v1 message or v2 batch), or undefined when too short. */
export function magicOf(records: Buffer): number | undefined {
  return records.length > LEGACY_MAGIC_POS ? records.readInt8(LEGACY_MAGIC_POS) : undefined;
}
