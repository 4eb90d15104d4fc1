import { KafkaError, KafkaErrors } from '../../protocol/error-codes';

/** Failures of the file system under the log (descriptors, space, I/O, permissions), not of the request. */
const STORAGE_ERRNOS = new Set(['EMFILE', 'ENFILE', 'ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'ENOENT', 'ENOTDIR']);

/**
 * The Kafka error code and message for a failure inside a handler: a file-system
 * error is KAFKA_STORAGE_ERROR, anything else unexpected UNKNOWN_SERVER_ERROR.
 */
export function errorOf(error: unknown): { code: number; message: string } {
  if (error instanceof KafkaError) return { code: error.code, message: error.message };
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && STORAGE_ERRNOS.has(errno)) {
    return { code: KafkaErrors.KAFKA_STORAGE_ERROR.code, message: (error as Error).message };
  }
  return { code: KafkaErrors.UNKNOWN_SERVER_ERROR.code, message: (error as Error)?.message ?? String(error) };
}
