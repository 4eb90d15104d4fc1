import { addOffsetsToTxnRequestSchema, addOffsetsToTxnResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';
import { KafkaErrors } from '../../protocol/error-codes';
import { txnErrorCode } from './txn-errors';

const FIRST_VERSION_WITH_PRODUCER_FENCED = 2;

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  request: addOffsetsToTxnRequestSchema,
  response: addOffsetsToTxnResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    if (!allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code };
    }
    if (!allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: KafkaErrors.GROUP_AUTHORIZATION_FAILED.code };
    try {
      broker.stores.transactions.addOffsets(request.transactionalId, { producerId: request.producerId, producerEpoch: request.producerEpoch }, request.groupId);
      return { throttleTimeMs: 0, errorCode: 0 };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: txnErrorCode(error, apiVersion, FIRST_VERSION_WITH_PRODUCER_FENCED) };
    }
  },
});
