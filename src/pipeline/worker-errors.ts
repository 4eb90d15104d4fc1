// Errors crossing the worker-thread boundary. Structured clone keeps only an Error's name, message and stack,
// so a typed error would arrive as a plain one: it goes as data and is rebuilt as its own class on the main thread.
import { connectorErrorTypes } from '../connector-factory';
import { AvroFileWriteError, InvalidRecordError } from '../formats/avro-file-writer';
import { AvroDecodeError, JsonToAvroError, SchemaError } from '../formats/avro-schema';
import { InvalidValueError, ParquetEngineError, ParquetWriteError } from '../formats/parquet-errors';
import {
  RecordSourceError, SourceConnectionError, SourceDecodeError, SourceKafkaError, SourceReadError, SourceSecurityError, SourceTimeoutError,
} from '../ports/record-source';
import { SinkError, SinkFileExistsError } from '../ports/sink';
import { KafkaError } from '../protocol/error-codes';
import { MalformedRecordError, UnsupportedCompressionError } from '../protocol/records';
import { BadRecordError } from './bad-record';
import { SchemaRegistryError, SchemaRegistryUnavailableError } from '../ports/schema-registry';
import { ReaderSchemaError } from '../job/reader-schemas';
import { RegistryCredentialsError } from '../job/registry-access';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  retriable: boolean;
  /** The error's own fields (topic, partition, status, …); nested errors are serialized in turn. */
  fields: Record<string, unknown>;
}

type ErrorType = abstract new (...args: never[]) => Error;

const KNOWN_TYPES: readonly ErrorType[] = [
  Error, TypeError, RangeError, SyntaxError, ReferenceError,
  RecordSourceError, SourceKafkaError, SourceTimeoutError, SourceConnectionError, SourceDecodeError, SourceReadError, SourceSecurityError,
  SinkError, SinkFileExistsError, KafkaError, MalformedRecordError, UnsupportedCompressionError, BadRecordError,
  AvroFileWriteError, InvalidRecordError, ParquetWriteError, ParquetEngineError, SchemaError, AvroDecodeError, JsonToAvroError, InvalidValueError,
  SchemaRegistryError, SchemaRegistryUnavailableError, ReaderSchemaError, RegistryCredentialsError,
  ...connectorErrorTypes,
];
const TYPES_BY_NAME = new Map(KNOWN_TYPES.map((type) => [type.name, type]));
const NESTED = '__serializedError';

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), retriable: false, fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    fields[key] = value instanceof Error ? { [NESTED]: serializeError(value) } : cloneable(value);
  }
  return { name: error.name, message: error.message, stack: error.stack, retriable: (error as { retriable?: unknown }).retriable === true, fields };
}

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

function isNested(value: unknown): value is { [NESTED]: SerializedError } {
  return typeof value === 'object' && value !== null && NESTED in value;
}

/**
 * The error as thrown on the worker thread: its own class (so `instanceof` holds), name, message, fields and the
 * worker's stack. A class this module does not know becomes `unknown(serialized)`.
 */
export function rebuildError(serialized: SerializedError, unknown: (serialized: SerializedError) => Error): Error {
  const type = TYPES_BY_NAME.get(serialized.name);
  if (!type) return unknown(serialized);
  // The constructor is not run (its arguments are gone); Error's own is, so the object is a real Error.
  const error = Reflect.construct(Error, [serialized.message], type) as Error;
  for (const [key, value] of Object.entries(serialized.fields)) {
    (error as unknown as Record<string, unknown>)[key] = isNested(value) ? rebuildError(value[NESTED], unknown) : value;
  }
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
