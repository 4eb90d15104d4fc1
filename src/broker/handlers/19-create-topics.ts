import { createTopicsRequestSchema, createTopicsResponseSchema, CreateTopicsRequest } from '../../protocol/generated';
import { KafkaError } from '../../protocol/error-codes';
import { TopicExistsError } from '../../ports/store-errors';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';

type CreatableTopic = CreateTopicsRequest['topics'][number];

function create(broker: BrokerState, topic: CreatableTopic, validateOnly: boolean): void {
  const store = broker.stores.partitions;
  store.checkTopicName(topic.name);
  if (store.hasTopic(topic.name)) throw new TopicExistsError(topic.name);
  const nodeId = broker.identity.nodeId;
  if (topic.replicationFactor > 1 || topic.assignments.some((a) => a.brokerIds.some((id) => id !== nodeId))) {
    throw new KafkaError('INVALID_REPLICATION_FACTOR', `this cluster has one broker (node ${nodeId})`);
  }
  const partitions = topic.assignments.length > 0 ? topic.assignments.length : topic.numPartitions === -1 ? broker.topicDefaults.numPartitions : topic.numPartitions;
  const config: Record<string, string> = {};
  for (const c of topic.configs) if (c.value !== null) config[c.name] = c.value;
  store.createTopic(topic.name, partitions, config, { validateOnly });
}

export const createTopicsHandler = defineHandler({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  request: createTopicsRequestSchema,
  response: createTopicsResponseSchema,
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => {
        try {
          create(broker, topic, request.validateOnly ?? false);
          return { name: topic.name, errorCode: 0, errorMessage: null };
        } catch (error) {
          const { code, message } = errorOf(error);
          return { name: topic.name, errorCode: code, errorMessage: message };
        }
      }),
    };
  },
});
