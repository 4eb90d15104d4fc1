import { endTxnRequestSchema, endTxnResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';
import { KafkaErrors } from '../../protocol/error-codes';
import { txnErrorCode } from './txn-errors';

const FIRST_VERSION_WITH_PRODUCER_FENCED = 2;

/** v5 (KIP-890 part 2, an epoch bump per transaction) is unstable in Kafka 3.9 and not served. */
export const endTxnHandler = defineHandler({
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  request: endTxnRequestSchema,
  response: endTxnResponseSchema,
  async handle(request, context) {
    const { broker, apiVersion } = context;
    if (!allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code };
    }
    try {
      await broker.stores.transactions.endTransaction(request.transactionalId, { producerId: request.producerId, producerEpoch: request.producerEpoch }, request.committed);
      return { throttleTimeMs: 0, errorCode: 0 };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: txnErrorCode(error, apiVersion, FIRST_VERSION_WITH_PRODUCER_FENCED) };
    }
  },
});
