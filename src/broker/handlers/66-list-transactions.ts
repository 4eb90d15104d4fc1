import { listTransactionsRequestSchema, listTransactionsResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

const STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

export const listTransactionsHandler = defineHandler({
  apiKey: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  request: listTransactionsRequestSchema,
  response: listTransactionsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    const now = Date.now();
    const states = new Set(request.stateFilters);
    const producerIds = new Set(request.producerIdFilters);
    const minDuration = request.durationFilter ?? -1;
    const transactionStates = broker.stores.transactions
      .listTransactions()
      .filter((t) => states.size === 0 || states.has(t.state))
      .filter((t) => producerIds.size === 0 || producerIds.has(t.producerId))
      .filter((t) => minDuration < 0 || (t.startTimeMs >= 0 && now - t.startTimeMs > minDuration))
      // As KafkaApis: only the transactional ids the caller may DESCRIBE.
      .filter((t) => allowed(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId, false))
      .map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state }));
    return { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: request.stateFilters.filter((s) => !STATES.includes(s)), transactionStates };
  },
});
