import { KafkaErrors } from '../../protocol/error-codes';
import { errorOf } from './errors';

/**
 * The code for a transactional request's failure. Clients older than KIP-588
 * do not know PRODUCER_FENCED, so below `fencedSince` Kafka answers
 * INVALID_PRODUCER_EPOCH instead (KafkaApis does the same).
 */
export function txnErrorCode(error: unknown, apiVersion: number, fencedSince: number): number {
  const { code } = errorOf(error);
  if (code === KafkaErrors.PRODUCER_FENCED.code && apiVersion < fencedSince) return KafkaErrors.INVALID_PRODUCER_EPOCH.code;
  return code;
}
