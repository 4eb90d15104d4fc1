import { createTopicsRequestSchema, createTopicsResponseSchema, CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/generated';
import { uuidBytes, ZERO_UUID } from '../../protocol/uuid';
import type { TopicDescription } from '../../ports/partition-store';
import { KafkaError, KafkaErrors } from '../../protocol/error-codes';
import { TopicExistsError } from '../../ports/store-errors';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { AclOperation, allowed, clusterAllowed, ResourceType } from './authorize';
import { SOURCE_IDS } from './config-resources';

type CreatableTopic = CreateTopicsRequest['topics'][number];
type CreatableTopicResult = CreateTopicsResponse['topics'][number];

function create(broker: BrokerState, topic: CreatableTopic, validateOnly: boolean): TopicDescription {
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
  return store.createTopic(topic.name, partitions, config, { validateOnly });
}

/**
 * What v5+ answers about a created topic: every topic config with its source, as Kafka lists them; v7 adds
 * its id (zero when only validated, as nothing was created).
 */
function created(broker: BrokerState, topic: TopicDescription, validateOnly: boolean, configsDescribable: boolean): Partial<CreatableTopicResult> {
  const shape = { topicId: validateOnly ? ZERO_UUID : uuidBytes(topic.topicId), numPartitions: topic.partitions, replicationFactor: 1 };
  // Without DESCRIBE_CONFIGS on the topic the configs stay out (KafkaApis).
  if (!configsDescribable) return { ...shape, topicConfigErrorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, configs: [] };
  const configs = broker.stores.partitions.describeTopicConfig(topic.name, validateOnly ? topic.config : undefined);
  return {
    ...shape,
    configs: configs.map((c) => ({ name: c.name, value: c.sensitive ? null : c.value, readOnly: c.readOnly, configSource: SOURCE_IDS[c.source], isSensitive: c.sensitive })),
  };
}

export const createTopicsHandler = defineHandler({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  request: createTopicsRequestSchema,
  response: createTopicsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    // As KafkaApis: CREATE on the cluster, or else on each topic.
    const clusterCreate = clusterAllowed(context, AclOperation.CREATE, false);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => {
        if (!clusterCreate && !allowed(context, AclOperation.CREATE, ResourceType.TOPIC, topic.name)) {
          return { name: topic.name, errorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: 'Authorization failed.' };
        }
        try {
          const validateOnly = request.validateOnly ?? false;
          const configsDescribable = allowed(context, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, topic.name, false);
          return { name: topic.name, errorCode: 0, errorMessage: null, ...created(broker, create(broker, topic, validateOnly), validateOnly, configsDescribable) };
        } catch (error) {
          const { code, message } = errorOf(error);
          return { name: topic.name, errorCode: code, errorMessage: message };
        }
      }),
    };
  },
});
