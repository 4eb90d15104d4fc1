import type { RegisteredHandler } from './handler';
import { produceHandler } from './00-produce';
import { fetchHandler } from './01-fetch';
import { listOffsetsHandler } from './02-list-offsets';
import { metadataHandler } from './03-metadata';
import { apiVersionsHandler } from './18-api-versions';
import { createTopicsHandler } from './19-create-topics';
import { deleteTopicsHandler } from './20-delete-topics';
import { deleteRecordsHandler } from './21-delete-records';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch';
import { describeConfigsHandler } from './32-describe-configs';
import { alterConfigsHandler } from './33-alter-configs';
import { createPartitionsHandler } from './37-create-partitions';
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs';
import { describeClusterHandler } from './60-describe-cluster';

/** Every API this broker serves; ApiVersions reports exactly this list. */
export function brokerHandlers(): RegisteredHandler[] {
  const handlers: RegisteredHandler[] = [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    deleteRecordsHandler,
    offsetForLeaderEpochHandler,
    describeConfigsHandler,
    alterConfigsHandler,
    createPartitionsHandler,
    incrementalAlterConfigsHandler,
    describeClusterHandler,
  ];
  handlers.push(apiVersionsHandler(() => handlers));
  return handlers;
}
