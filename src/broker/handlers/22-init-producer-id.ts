import { initProducerIdRequestSchema, initProducerIdResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowed, allowedOnSome, clusterAllowed, ResourceType } from './authorize';
import { txnErrorCode } from './txn-errors';

const FIRST_VERSION_WITH_PRODUCER_FENCED = 4;

/**
 * As KafkaApis: WRITE on the transactional id; an idempotent producer (no id) needs IDEMPOTENT_WRITE on the
 * cluster or WRITE on some topic.
 */
function refusal(context: RequestContext, transactionalId: string | null): number {
  if (transactionalId !== null) {
    return allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId) ? 0 : KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code;
  }
  const idempotent = clusterAllowed(context, AclOperation.IDEMPOTENT_WRITE, false) || allowedOnSome(context, AclOperation.WRITE, ResourceType.TOPIC);
  return idempotent ? 0 : KafkaErrors.CLUSTER_AUTHORIZATION_FAILED.code;
}

export const initProducerIdHandler = defineHandler({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  request: initProducerIdRequestSchema,
  response: initProducerIdResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    const refused = refusal(context, request.transactionalId);
    if (refused !== 0) return { throttleTimeMs: 0, errorCode: refused, producerId: -1, producerEpoch: -1 };
    const expected = request.producerId !== undefined && request.producerId >= 0
      ? { producerId: request.producerId, producerEpoch: request.producerEpoch ?? -1 }
      : undefined;
    try {
      const result = broker.stores.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs, expected);
      return { throttleTimeMs: 0, errorCode: 0, ...result };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: txnErrorCode(error, apiVersion, FIRST_VERSION_WITH_PRODUCER_FENCED), producerId: -1, producerEpoch: -1 };
    }
  },
});
