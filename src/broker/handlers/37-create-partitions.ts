import { createPartitionsRequestSchema, createPartitionsResponseSchema, CreatePartitionsRequest } from '../../protocol/generated';
import { KafkaError, KafkaErrors } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

type Topic = CreatePartitionsRequest['topics'][number];

function grow(broker: BrokerState, topic: Topic, validateOnly: boolean): void {
  const store = broker.stores.partitions;
  store.checkTopicName(topic.name);
  const current = store.describeTopic(topic.name).partitions;
  if (topic.count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partitions.`);
  if (topic.assignments !== null) {
    const nodeId = broker.identity.nodeId;
    if (topic.assignments.length !== topic.count - current) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Increasing the number of partitions by ${topic.count - current} but ${topic.assignments.length} assignments provided.`);
    }
    topic.assignments.forEach((assignment, i) => {
      if (assignment.brokerIds.length !== 1 || assignment.brokerIds[0] !== nodeId) {
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `assignment ${i} names brokers [${assignment.brokerIds.join(', ')}]; this cluster has one broker (node ${nodeId}) and replication factor 1`);
      }
    });
  }
  store.createPartitions(topic.name, topic.count, { validateOnly });
}

export const createPartitionsHandler = defineHandler({
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  request: createPartitionsRequestSchema,
  response: createPartitionsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    const counts = new Map<string, number>();
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
    return {
      throttleTimeMs: 0,
      results: request.topics.map((topic) => {
        if ((counts.get(topic.name) ?? 0) > 1) return { name: topic.name, errorCode: KafkaErrors.INVALID_REQUEST.code, errorMessage: 'Duplicate topic in request.' };
        if (!allowed(context, AclOperation.ALTER, ResourceType.TOPIC, topic.name)) {
          return { name: topic.name, errorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: 'Authorization failed.' };
        }
        try {
          grow(broker, topic, request.validateOnly);
          return { name: topic.name, errorCode: 0, errorMessage: null };
        } catch (error) {
          const { code, message } = errorOf(error);
          return { name: topic.name, errorCode: code, errorMessage: message };
        }
      }),
    };
  },
});
