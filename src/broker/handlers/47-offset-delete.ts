import { offsetDeleteRequestSchema, offsetDeleteResponseSchema } from '../../protocol/generated';
import { KafkaErrors, KafkaErrorName } from '../../protocol/error-codes';
import type { TopicPartitionRef } from '../../ports/group-store';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { AclOperation, allowed, allowedNames, ResourceType } from './authorize';

export const offsetDeleteHandler = defineHandler({
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  request: offsetDeleteRequestSchema,
  response: offsetDeleteResponseSchema,
  async handle(request, context) {
    const { broker } = context;
    // As KafkaApis: DELETE on the group, else the whole answer is GROUP_AUTHORIZATION_FAILED; then READ on each topic.
    if (!allowed(context, AclOperation.DELETE, ResourceType.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: KafkaErrors.GROUP_AUTHORIZATION_FAILED.code, topics: [] };
    }
    const readable = allowedNames(context, AclOperation.READ, ResourceType.TOPIC, request.topics.map((t) => t.name));
    const key = (topic: string, partition: number) => `${partition}:${topic}`;
    const errors = new Map<string, KafkaErrorName>();
    const known: TopicPartitionRef[] = [];
    const store = broker.stores.partitions;
    for (const topic of request.topics) {
      const count = store.hasTopic(topic.name) ? store.describeTopic(topic.name).partitions : 0;
      for (const p of topic.partitions) {
        if (!readable.has(topic.name)) errors.set(key(topic.name, p.partitionIndex), 'TOPIC_AUTHORIZATION_FAILED');
        else if (p.partitionIndex >= 0 && p.partitionIndex < count) known.push({ topic: topic.name, partition: p.partitionIndex });
        else errors.set(key(topic.name, p.partitionIndex), 'UNKNOWN_TOPIC_OR_PARTITION');
      }
    }
    let errorCode = 0;
    try {
      const result = await broker.groupCoordinator.deleteOffsets(request.groupId, known);
      errorCode = KafkaErrors[result.error].code;
      for (const p of result.partitions) errors.set(key(p.topic, p.partition), p.error);
    } catch (error) {
      errorCode = errorOf(error).code;
    }
    // With a group-level error the partitions are not listed (as Kafka answers).
    const topics = errorCode !== 0 ? [] : request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: KafkaErrors[errors.get(key(topic.name, p.partitionIndex)) ?? 'NONE'].code,
      })),
    }));
    return { throttleTimeMs: 0, errorCode, topics };
  },
});
