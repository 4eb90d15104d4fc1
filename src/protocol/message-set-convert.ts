// Up- and down-conversion between message formats v0/v1 and RecordBatch v2, as Kafka 3.x does it
// (LogValidator on produce, RecordsUtil.downConvert on fetch). Pure functions over whole buffers.
import { batchSizeAt, Compression, compressionOf, isControlBatch, readBatchHeader, usesLogAppendTime } from './record-batch';
import { buildRecordBatch, compressBatch, decodeRecords, RecordInput } from './records';
import { compressRecords, decompressRecords } from './compression';
import { KafkaError } from './error-codes';
import { withCorrectLz4HeaderChecksum } from './lz4-legacy';
import {
  codecOfMessage, CorruptMessageSetError, hasLogAppendTime, LegacyMessage, legacyAttributes, NO_TIMESTAMP, readMessageSet, writeMessage,
} from './message-set';

/**
 * A produced v0/v1 message set as one RecordBatch v2 (offsets from 0, for the log to assign), compressed
 * with the codec the producer used (the last one, as Kafka takes it when wrappers differ). Headers do not
 * exist before v2; v0 messages have no timestamp (-1).
 */
export function upConvertMessageSet(messageSet: Buffer, now = Date.now()): Buffer {
  const records: RecordInput[] = [];
  let codec: number = Compression.None;
  for (const message of readMessageSet(messageSet)) {
    const messageCodec = codecOfMessage(message);
    if (messageCodec === Compression.None) {
      records.push({ key: message.key, value: message.value, timestamp: message.timestamp });
      continue;
    }
    if (messageCodec === Compression.Zstd) {
      throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', 'zstd needs message format v2 (KIP-110); this message set is v' + message.magic);
    }
    codec = messageCodec;
    for (const inner of innerMessages(message, messageCodec)) {
      records.push({ key: inner.key, value: inner.value, timestamp: hasLogAppendTime(message) ? message.timestamp : inner.timestamp });
    }
  }
  if (records.length === 0) throw new CorruptMessageSetError(0, 'no messages');
  return compressBatch(buildRecordBatch(records, 0, now), codec);
}

function innerMessages(wrapper: LegacyMessage, codec: number): LegacyMessage[] {
  if (wrapper.value === null) throw new CorruptMessageSetError(0, `compressed wrapper at offset ${wrapper.offset} has a null value`);
  let inner: Buffer;
  try {
    const value = codec === Compression.Lz4 && wrapper.magic === 0 ? withCorrectLz4HeaderChecksum(wrapper.value) : wrapper.value;
    inner = decompressRecords(codec, value);
  } catch (error) {
    if (error instanceof KafkaError) throw error;
    throw new CorruptMessageSetError(0, `wrapper at offset ${wrapper.offset} cannot be decompressed: ${(error as Error).message}`);
  }
  const messages = readMessageSet(inner);
  if (messages.some((m) => codecOfMessage(m) !== Compression.None)) throw new CorruptMessageSetError(0, `wrapper at offset ${wrapper.offset} holds compressed messages`);
  return messages;
}

export class DownConversionError extends KafkaError {
  constructor(detail: string) {
    super('UNSUPPORTED_COMPRESSION_TYPE', detail);
    this.name = 'DownConversionError';
  }
}

/**
 * Stored v2 batches in message format `toMagic` (Fetch v0/v1: 0, v2/v3: 1), records before `fetchOffset`
 * and control batches left out. A compressed batch becomes one wrapper message with the same codec
 * (inner offsets relative in v1, absolute in v0). zstd cannot be down-converted (Kafka neither). lz4 in v0 is
 * written with the correct frame header checksum, unlike Kafka's: every reader of v0 ignores or repairs it.
 */
export function downConvertBatches(records: Buffer, toMagic: 0 | 1, fetchOffset: number): Buffer {
  const out: Buffer[] = [];
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    const header = readBatchHeader(records, pos);
    if (isControlBatch(header.attributes)) continue;
    const codec = compressionOf(header.attributes);
    if (codec === Compression.Zstd) throw new DownConversionError(`down-conversion of zstd batches is not supported (batch at offset ${header.baseOffset}); fetch with v10 or later`);
    const kept = decodeRecords(records, pos).filter((r) => r.offset >= fetchOffset);
    if (kept.length === 0) continue;
    const logAppendTime = toMagic === 1 && usesLogAppendTime(header.attributes);
    const timestampOf = (recordTimestamp: number) => (toMagic === 0 ? NO_TIMESTAMP : logAppendTime ? header.maxTimestamp : recordTimestamp);
    const attributes = legacyAttributes(Compression.None, logAppendTime);
    const messages = kept.map((r) => ({ offset: r.offset, magic: toMagic, attributes, timestamp: timestampOf(r.timestamp), key: r.key, value: r.value }));
    if (codec === Compression.None) {
      for (const message of messages) out.push(writeMessage(message));
      continue;
    }
    const first = kept[0].offset;
    const inner = Buffer.concat(messages.map((m) => writeMessage({ ...m, offset: toMagic === 1 ? m.offset - first : m.offset })));
    out.push(writeMessage({
      offset: kept[kept.length - 1].offset,
      magic: toMagic,
      attributes: legacyAttributes(codec, logAppendTime),
      timestamp: toMagic === 0 ? NO_TIMESTAMP : Math.max(...messages.map((m) => m.timestamp)),
      key: null,
      value: compressRecords(codec, inner),
    }));
  }
  return Buffer.concat(out);
}
