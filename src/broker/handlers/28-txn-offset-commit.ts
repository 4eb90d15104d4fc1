import { txnOffsetCommitRequestSchema, txnOffsetCommitResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { TxnOffset } from '../../ports/transaction-coordinator';
import { defineHandler } from './handler';
import { AclOperation, allowed, allowedNames, ResourceType } from './authorize';
import { txnErrorCode } from './txn-errors';

/** Kafka's group coordinator answers a stale epoch here with INVALID_PRODUCER_EPOCH at every version. */
const NEVER_PRODUCER_FENCED = Number.POSITIVE_INFINITY;
const FIRST_VERSION_WITH_MEMBER = 3;

/**
 * Offsets a transaction commits for a group: held with the transaction and
 * written to the group's committed offsets when it commits (dropped if it
 * aborts), as Kafka's pending transactional offsets are.
 */
export const txnOffsetCommitHandler = defineHandler({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  request: txnOffsetCommitRequestSchema,
  response: txnOffsetCommitResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    // As KafkaApis: WRITE on the transactional id and READ on the group, else every partition fails; then READ per topic.
    const everyPartition = (errorCode: number) => ({
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (!allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId)) return everyPartition(KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
    if (!allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId)) return everyPartition(KafkaErrors.GROUP_AUTHORIZATION_FAILED.code);
    const readable = allowedNames(context, AclOperation.READ, ResourceType.TOPIC, request.topics.map((t) => t.name));
    const store = broker.stores.partitions;
    const exists = (topic: string, partition: number) => store.hasTopic(topic) && partition >= 0 && partition < store.describeTopic(topic).partitions;
    const known = (topic: string, partition: number) => readable.has(topic) && exists(topic, partition);
    const offsets: TxnOffset[] = request.topics.flatMap((t) =>
      t.partitions.filter((p) => known(t.name, p.partitionIndex)).map((p) => ({
        topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.committedMetadata,
      })));
    let code = 0;
    // v3+ (KIP-447) names the consumer's generation: a zombie whose member left the group is fenced here.
    const membership = apiVersion >= FIRST_VERSION_WITH_MEMBER
      ? broker.groupCoordinator.checkTransactionalCommit(request.groupId, request.memberId ?? '', request.groupInstanceId ?? null, request.generationId ?? -1)
      : 'NONE';
    if (membership !== 'NONE') {
      code = KafkaErrors[membership].code;
    } else {
      try {
        broker.stores.transactions.txnOffsetCommit(request.transactionalId, { producerId: request.producerId, producerEpoch: request.producerEpoch }, request.groupId, offsets);
      } catch (error) {
        code = txnErrorCode(error, apiVersion, NEVER_PRODUCER_FENCED);
      }
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: !readable.has(t.name) ? KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code : exists(t.name, p.partitionIndex) ? code : KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code,
        })),
      })),
    };
  },
});
