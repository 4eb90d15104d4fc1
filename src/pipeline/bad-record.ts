import { AvroDecodeError } from '../formats/avro-schema';
import { reasonOf } from '../table/dead-letters';

/**
 * A record that cannot become an output row; its message is the dead letter's error, `reason` the same without
 * what is particular to the record (its values, positions), by which bad records are counted.
 */
export class BadRecordError extends Error {
  readonly reason: string;

  constructor(detail: string, reason?: string) {
    // Thrown for each bad record and caught by the loader, never shown with a stack: capturing one was a fifth of
    // a bad record's cost (a 20%-bad load).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'BadRecordError';
    this.reason = reason ?? reasonOf(detail);
  }
}

/** The reason of an error met decoding a record: an Avro datum's without its byte counts, others' as `reasonOf` makes it. */
export function decodeFailureReason(error: Error): string {
  if (error instanceof BadRecordError) return error.reason;
  if (error instanceof AvroDecodeError) return error.reason === 'invalid' ? error.message : `Avro datum of ${error.schemaName}: ${error.reason}`;
  return reasonOf(error.message);
}
