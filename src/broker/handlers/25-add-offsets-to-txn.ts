import { addOffsetsToTxnRequestSchema, addOffsetsToTxnResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { txnErrorCode } from './txn-errors';

const FIRST_VERSION_WITH_PRODUCER_FENCED = 2;

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  request: addOffsetsToTxnRequestSchema,
  response: addOffsetsToTxnResponseSchema,
  handle(request, { broker, apiVersion }) {
    try {
      broker.stores.transactions.addOffsets(request.transactionalId, { producerId: request.producerId, producerEpoch: request.producerEpoch }, request.groupId);
      return { throttleTimeMs: 0, errorCode: 0 };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: txnErrorCode(error, apiVersion, FIRST_VERSION_WITH_PRODUCER_FENCED) };
    }
  },
});
