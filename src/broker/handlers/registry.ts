import type { RegisteredHandler } from './handler';
import { produceHandler } from './00-produce';
import { fetchHandler } from './01-fetch';
import { listOffsetsHandler } from './02-list-offsets';
import { metadataHandler } from './03-metadata';
import { findCoordinatorHandler } from './10-find-coordinator';
import { apiVersionsHandler } from './18-api-versions';
import { createTopicsHandler } from './19-create-topics';
import { deleteTopicsHandler } from './20-delete-topics';
import { initProducerIdHandler } from './22-init-producer-id';
import { addPartitionsToTxnHandler } from './24-add-partitions-to-txn';
import { addOffsetsToTxnHandler } from './25-add-offsets-to-txn';
import { endTxnHandler } from './26-end-txn';
import { txnOffsetCommitHandler } from './28-txn-offset-commit';
import { describeProducersHandler } from './61-describe-producers';
import { describeTransactionsHandler } from './65-describe-transactions';
import { listTransactionsHandler } from './66-list-transactions';

/** Every API this broker serves; ApiVersions reports exactly this list. */
export function brokerHandlers(): RegisteredHandler[] {
  const handlers: RegisteredHandler[] = [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    findCoordinatorHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    initProducerIdHandler,
    addPartitionsToTxnHandler,
    addOffsetsToTxnHandler,
    endTxnHandler,
    txnOffsetCommitHandler,
    describeProducersHandler,
    describeTransactionsHandler,
    listTransactionsHandler,
  ];
  handlers.push(apiVersionsHandler(() => handlers));
  return handlers;
}
