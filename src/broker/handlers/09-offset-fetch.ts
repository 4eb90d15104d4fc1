import { offsetFetchRequestSchema, offsetFetchResponseSchema, OffsetFetchResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { TopicPartitionRef } from '../../ports/group-store';
import type { FetchedOffset } from '../../ports/group-coordinator';
import { defineHandler } from './handler';

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

export const offsetFetchHandler = defineHandler({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  request: offsetFetchRequestSchema,
  response: offsetFetchResponseSchema,
  handle(request, { broker, apiVersion }) {
    const coordinator = broker.groupCoordinator;
    // requireStable (v7+, KIP-447): an offset waiting on its write or on a transaction answers UNSTABLE_OFFSET_COMMIT.
    const requireStable = request.requireStable ?? false;
    if (apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (request.groups ?? []).map((g) => ({
          groupId: g.groupId,
          topics: byTopic(coordinator.fetchOffsets(g.groupId, requested(g.topics), requireStable)),
          errorCode: 0,
        })),
      };
    }
    // v0 and v1 have no "all topics" (null); v0 answers them by topic all the same.
    const partitions = requested(apiVersion >= 2 ? request.topics : request.topics ?? []);
    return {
      throttleTimeMs: 0,
      topics: byTopic(coordinator.fetchOffsets(request.groupId ?? '', partitions, requireStable)),
      errorCode: 0,
    };
  },
});
