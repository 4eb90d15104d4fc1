import { initProducerIdRequestSchema, initProducerIdResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { txnErrorCode } from './txn-errors';

const FIRST_VERSION_WITH_PRODUCER_FENCED = 4;

export const initProducerIdHandler = defineHandler({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  request: initProducerIdRequestSchema,
  response: initProducerIdResponseSchema,
  handle(request, { broker, apiVersion }) {
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
