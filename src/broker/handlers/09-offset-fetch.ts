import { offsetFetchRequestSchema, offsetFetchResponseSchema, OffsetFetchResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { TopicPartitionRef } from '../../ports/group-store';
import type { FetchedOffset } from '../../ports/group-coordinator';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowed, allowedNames, ResourceType } from './authorize';

type TopicAnswer = NonNullable<OffsetFetchResponse['groups']>[number]['topics'][number];

function requested(topics: { name: string; partitionIndexes: number[] }[] | null | undefined): TopicPartitionRef[] | null {
  if (topics === null || topics === undefined) return null;
  return topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}

/** Offsets grouped by topic, in the order they came. */
function byTopic(offsets: FetchedOffset[]): TopicAnswer[] {
  const topics = new Map<string, TopicAnswer>();
  for (const o of offsets) {
    let topic = topics.get(o.topic);
    if (!topic) {
      topic = { name: o.topic, partitions: [] };
      topics.set(o.topic, topic);
    }
    topic.partitions.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: KafkaErrors[o.error].code,
    });
  }
  return [...topics.values()];
}

const refused = (ref: TopicPartitionRef, error: FetchedOffset['error']): FetchedOffset => ({ ...ref, offset: -1, leaderEpoch: -1, metadata: '', error });

/**
 * One group's offsets as KafkaApis answers them: READ on the group (else GROUP_AUTHORIZATION_FAILED), and only
 * topics the caller may DESCRIBE: named ones answer TOPIC_AUTHORIZATION_FAILED, unnamed ones (all topics) are left out.
 */
function fetchAllowed(context: RequestContext, groupId: string, partitions: TopicPartitionRef[] | null, requireStable: boolean): FetchedOffset[] | 'group refused' {
  if (!allowed(context, AclOperation.READ, ResourceType.GROUP, groupId)) return 'group refused';
  const coordinator = context.broker.groupCoordinator;
  if (partitions === null) {
    const offsets = coordinator.fetchOffsets(groupId, null, requireStable);
    const describable = allowedNames(context, AclOperation.DESCRIBE, ResourceType.TOPIC, offsets.map((o) => o.topic), false);
    return offsets.filter((o) => describable.has(o.topic));
  }
  const describable = allowedNames(context, AclOperation.DESCRIBE, ResourceType.TOPIC, partitions.map((p) => p.topic));
  const fetched = coordinator.fetchOffsets(groupId, partitions.filter((p) => describable.has(p.topic)), requireStable);
  return partitions.map((p) => (describable.has(p.topic) ? fetched.shift()! : refused(p, 'TOPIC_AUTHORIZATION_FAILED')));
}

export const offsetFetchHandler = defineHandler({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  request: offsetFetchRequestSchema,
  response: offsetFetchResponseSchema,
  handle(request, context) {
    const { apiVersion } = context;
    const groupError = KafkaErrors.GROUP_AUTHORIZATION_FAILED.code;
    // requireStable (v7+, KIP-447): an offset waiting on its write or on a transaction answers UNSTABLE_OFFSET_COMMIT.
    const requireStable = request.requireStable ?? false;
    if (apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (request.groups ?? []).map((g) => {
          const offsets = fetchAllowed(context, g.groupId, requested(g.topics), requireStable);
          return offsets === 'group refused' ? { groupId: g.groupId, topics: [], errorCode: groupError } : { groupId: g.groupId, topics: byTopic(offsets), errorCode: 0 };
        }),
      };
    }
    // v0 and v1 have no "all topics" (null); v0 answers them by topic all the same.
    const partitions = requested(apiVersion >= 2 ? request.topics : request.topics ?? []);
    const offsets = fetchAllowed(context, request.groupId ?? '', partitions, requireStable);
    if (offsets !== 'group refused') return { throttleTimeMs: 0, topics: byTopic(offsets), errorCode: 0 };
    // v0 and v1 have no top-level error: Kafka puts it on every partition asked for.
    return { throttleTimeMs: 0, topics: byTopic((partitions ?? []).map((p) => refused(p, 'GROUP_AUTHORIZATION_FAILED'))), errorCode: groupError };
  },
});
