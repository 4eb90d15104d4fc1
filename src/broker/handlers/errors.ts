import { KafkaError, KafkaErrors } from '../../protocol/error-codes';

/** The Kafka error code and message for a failure inside a handler; unexpected errors become UNKNOWN_SERVER_ERROR. */
export function errorOf(error: unknown): { code: number; message: string } {
  if (error instanceof KafkaError) return { code: error.code, message: error.message };
  return { code: KafkaErrors.UNKNOWN_SERVER_ERROR.code, message: (error as Error)?.message ?? String(error) };
}
