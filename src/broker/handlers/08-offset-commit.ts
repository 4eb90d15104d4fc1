import { offsetCommitRequestSchema, offsetCommitResponseSchema } from '../../protocol/generated';
import { KafkaErrors, KafkaErrorName } from '../../protocol/error-codes';
import type { OffsetCommitRequest } from '../../ports/group-coordinator';
import type { BrokerState } from '../broker-state';
import { defineHandler } from './handler';
import { AclOperation, allowed, allowedNames, ResourceType } from './authorize';

/** The partition count of each topic named (0 for a topic that does not exist), asked once per topic. */
function partitionCounts(broker: BrokerState, topics: string[]): Map<string, number> {
  const store = broker.stores.partitions;
  return new Map(topics.map((topic) => [topic, store.hasTopic(topic) ? store.describeTopic(topic).partitions : 0]));
}

export const offsetCommitHandler = defineHandler({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  request: offsetCommitRequestSchema,
  response: offsetCommitResponseSchema,
  async handle(request, context) {
    const { broker, apiVersion } = context;
    // v2–v4 may set a retention time of their own; -1 means offsets.retention.minutes.
    const retentionMs = apiVersion >= 2 && apiVersion <= 4 ? request.retentionTimeMs ?? -1 : -1;
    const errors = new Map<string, KafkaErrorName>();
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const offsets: OffsetCommitRequest['offsets'] = [];
    const counts = partitionCounts(broker, request.topics.map((t) => t.name));
    // As KafkaApis: READ on the group, else every partition fails; then READ on each topic.
    const groupReadable = allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId);
    const readable = groupReadable ? allowedNames(context, AclOperation.READ, ResourceType.TOPIC, request.topics.map((t) => t.name)) : new Set<string>();
    for (const topic of request.topics) {
      for (const p of topic.partitions) {
        if (!groupReadable || !readable.has(topic.name)) {
          errors.set(key(topic.name, p.partitionIndex), groupReadable ? 'TOPIC_AUTHORIZATION_FAILED' : 'GROUP_AUTHORIZATION_FAILED');
          continue;
        }
        if (p.partitionIndex < 0 || p.partitionIndex >= counts.get(topic.name)!) {
          errors.set(key(topic.name, p.partitionIndex), 'UNKNOWN_TOPIC_OR_PARTITION');
          continue;
        }
        const commitTimestamp = apiVersion === 1 && p.commitTimestamp !== undefined && p.commitTimestamp !== -1 ? p.commitTimestamp : null;
        offsets.push({
          topic: topic.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.committedMetadata ?? '',
          commitTimestamp,
        });
      }
    }
    if (offsets.length > 0) {
      const results = await broker.groupCoordinator.commitOffsets({
        groupId: request.groupId,
        // v0 has neither: it commits as a consumer outside group management.
        memberId: request.memberId ?? '',
        groupInstanceId: request.groupInstanceId ?? null,
        generationId: request.generationIdOrMemberEpoch ?? -1,
        offsets,
        retentionMs: retentionMs === -1 ? null : retentionMs,
      });
      for (const r of results) errors.set(key(r.topic, r.partition), r.error);
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: KafkaErrors[errors.get(key(topic.name, p.partitionIndex)) ?? 'UNKNOWN_SERVER_ERROR'].code,
        })),
      })),
    };
  },
});
