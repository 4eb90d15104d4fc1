import type { Type } from 'avsc';
import { AvroDecodeError, decodeAvroBinary, jsonToAvro, LoadedSchema, validateRecord } from '../formats/avro-schema';
import type { AvroRecord } from '../formats/record-file-writer';
import type { DecodedRecord } from '../protocol/records';
import { decodeUtf8Exactly } from '../formats/utf8';
import type { JobDefinition, MetadataColumn } from '../job/job-definition';
import { timeFieldReading } from '../job/time-field';

import { BadRecordError, decodeFailureReason } from './bad-record';
import { framingHint } from './confluent-framing';
import type { FramedAvroDecoder } from './framed-avro-decoder';

export { BadRecordError } from './bad-record';

/** The decoders of the job's Confluent-framed parts (value, key), each with its writer schemas. */
export interface FramedDecoders {
  value: FramedAvroDecoder | null;
  key: FramedAvroDecoder | null;
}

export interface DecodedValue {
  record: AvroRecord;
  /** Event time in epoch milliseconds: the Kafka timestamp, or the job's time field. */
  eventTime: number;
}

/** The largest epoch millisecond a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;

function eventTimeOf(value: AvroRecord, field: string, microseconds: boolean): number {
  const raw = value[field];
  const time = typeof raw === 'number' ? (microseconds ? Math.floor(raw / 1000) : raw) : typeof raw === 'string' ? Date.parse(raw) : NaN;
  const expected = `epoch ${microseconds ? 'microseconds' : 'milliseconds'} or an ISO date`;
  if (!Number.isFinite(time)) throw new BadRecordError(`time field "${field}" is ${JSON.stringify(raw)}, not ${expected}`, `time field "${field}" is not ${expected}`);
  return time;
}

function decodeKey(key: Buffer): string {
  try {
    return decodeUtf8Exactly(key, 'key');
  } catch (error) {
    throw new BadRecordError((error as Error).message, decodeFailureReason(error as Error));
  }
}

/** JSON.parse, whose message may quote the text: the reason leaves it out. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRecordError((error as Error).message, 'value is not valid JSON');
  }
}

/** Plain Avro that fails to decode but starts like Confluent's framing says so. */
function plainAvroFailure(error: unknown, bytes: Buffer): never {
  const hint = error instanceof AvroDecodeError ? framingHint(bytes, 'value.format') : null;
  const reason = decodeFailureReason(error as Error);
  throw new BadRecordError(hint ? `${(error as Error).message}; ${hint}` : (error as Error).message, hint ? `${reason}; ${hint}` : reason);
}

/**
 * Turns a Kafka record into an output row, or throws BadRecordError saying why it cannot be one. Framed parts are
 * decoded by `framed` (whose writer schemas `prepare` must have fetched for the record's batch).
 */
export function makeRecordDecoder(job: JobDefinition, schema: LoadedSchema, framed: FramedDecoders = { value: null, key: null }): (record: DecodedRecord, partition: number) => DecodedValue {
  const type: Type = schema.type;
  if (job.value.format === 'avro-confluent' && !framed.value) throw new TypeError(`job ${job.name}: Confluent-framed values need a FramedAvroDecoder`);
  if (job.key.format === 'avro-confluent' && job.metadataColumns.includes('key') && !framed.key) throw new TypeError(`job ${job.name}: Confluent-framed keys need a FramedAvroDecoder`);
  const columns: MetadataColumn[] = job.metadataColumns;
  const timeField = job.time.field;
  // timestamp-micros fields count microseconds; every other number is epoch milliseconds (job-definition.ts checks the type).
  const reading = timeField ? timeFieldReading(schema.schema, timeField) : null;
  const microseconds = typeof reading === 'object' && reading?.unit === 'micros';
  return (kafkaRecord, partition) => {
    if (kafkaRecord.value === null) throw new BadRecordError('the value is null');
    let value: AvroRecord;
    try {
      if (job.value.format === 'json') {
        const parsed = parseJson(decodeUtf8Exactly(kafkaRecord.value, 'value'));
        value = jsonToAvro(type, parsed) as AvroRecord; // returns valid values as they are, so most records are checked once
        if (value !== parsed) {
          const check = validateRecord(type, value);
          if (!check.ok) throw new BadRecordError(`does not match ${schema.file}: ${check.errors.join('; ')}`);
        }
      } else if (framed.value) {
        value = framed.value.decode(kafkaRecord.value) as AvroRecord;
      } else {
        try {
          value = decodeAvroBinary(type, kafkaRecord.value) as AvroRecord;
        } catch (error) {
          plainAvroFailure(error, kafkaRecord.value);
        }
      }
    } catch (error) {
      if (error instanceof BadRecordError) throw error;
      throw new BadRecordError((error as Error).message, decodeFailureReason(error as Error));
    }
    const eventTime = timeField ? eventTimeOf(value, timeField, microseconds) : kafkaRecord.timestamp;
    // Finite is not enough: the hour of an instant a Date cannot hold cannot be named (formatting it throws).
    if (!(Math.abs(eventTime) <= MAX_DATE_MS)) throw new BadRecordError(`event time ${eventTime} is outside the range of dates (±${MAX_DATE_MS} ms)`, `event time is outside the range of dates (±${MAX_DATE_MS} ms)`);
    if (columns.length > 0) {
      // `value` is this record's own fresh object (parsed or decoded just now), so it can take the columns.
      if (columns.includes('partition')) value._kafka_partition = partition;
      if (columns.includes('offset')) value._kafka_offset = kafkaRecord.offset;
      if (columns.includes('timestamp')) value._kafka_timestamp = kafkaRecord.timestamp;
      if (columns.includes('topic')) value._kafka_topic = job.source.topic;
      if (columns.includes('key')) value._kafka_key = kafkaRecord.key === null ? null : framed.key ? framed.key.decode(kafkaRecord.key) : decodeKey(kafkaRecord.key);
    }
    return { record: value, eventTime };
  };
}
