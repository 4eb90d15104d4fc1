import type { RegisteredHandler } from './handler';
import { produceHandler } from './00-produce';
import { fetchHandler } from './01-fetch';
import { listOffsetsHandler } from './02-list-offsets';
import { metadataHandler } from './03-metadata';
import { offsetCommitHandler } from './08-offset-commit';
import { offsetFetchHandler } from './09-offset-fetch';
import { findCoordinatorHandler } from './10-find-coordinator';
import { joinGroupHandler } from './11-join-group';
import { heartbeatHandler } from './12-heartbeat';
import { leaveGroupHandler } from './13-leave-group';
import { syncGroupHandler } from './14-sync-group';
import { describeGroupsHandler } from './15-describe-groups';
import { listGroupsHandler } from './16-list-groups';
import { saslHandshakeHandler } from './17-sasl-handshake';
import { apiVersionsHandler } from './18-api-versions';
import { createTopicsHandler } from './19-create-topics';
import { deleteTopicsHandler } from './20-delete-topics';
import { deleteRecordsHandler } from './21-delete-records';
import { initProducerIdHandler } from './22-init-producer-id';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch';
import { addPartitionsToTxnHandler } from './24-add-partitions-to-txn';
import { addOffsetsToTxnHandler } from './25-add-offsets-to-txn';
import { endTxnHandler } from './26-end-txn';
import { txnOffsetCommitHandler } from './28-txn-offset-commit';
import { describeAclsHandler } from './29-describe-acls';
import { createAclsHandler } from './30-create-acls';
import { deleteAclsHandler } from './31-delete-acls';
import { describeConfigsHandler } from './32-describe-configs';
import { alterConfigsHandler } from './33-alter-configs';
import { saslAuthenticateHandler } from './36-sasl-authenticate';
import { createPartitionsHandler } from './37-create-partitions';
import { deleteGroupsHandler } from './42-delete-groups';
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs';
import { offsetDeleteHandler } from './47-offset-delete';
import { describeUserScramCredentialsHandler } from './50-describe-user-scram-credentials';
import { alterUserScramCredentialsHandler } from './51-alter-user-scram-credentials';
import { describeClusterHandler } from './60-describe-cluster';
import { describeLogDirsHandler } from './35-describe-log-dirs';
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
    offsetCommitHandler,
    offsetFetchHandler,
    findCoordinatorHandler,
    joinGroupHandler,
    heartbeatHandler,
    leaveGroupHandler,
    syncGroupHandler,
    describeGroupsHandler,
    listGroupsHandler,
    saslHandshakeHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    deleteRecordsHandler,
    initProducerIdHandler,
    offsetForLeaderEpochHandler,
    addPartitionsToTxnHandler,
    addOffsetsToTxnHandler,
    endTxnHandler,
    txnOffsetCommitHandler,
    describeAclsHandler,
    createAclsHandler,
    deleteAclsHandler,
    describeConfigsHandler,
    alterConfigsHandler,
    saslAuthenticateHandler,
    createPartitionsHandler,
    deleteGroupsHandler,
    incrementalAlterConfigsHandler,
    offsetDeleteHandler,
    describeUserScramCredentialsHandler,
    alterUserScramCredentialsHandler,
    describeLogDirsHandler,
    describeClusterHandler,
    describeProducersHandler,
    describeTransactionsHandler,
    listTransactionsHandler,
  ];
  handlers.push(apiVersionsHandler(() => handlers));
  return handlers;
}
