import { metadataRequestSchema, metadataResponseSchema, MetadataResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';

type TopicMetadata = MetadataResponse['topics'][number];

function describeTopic(broker: BrokerState, name: string, autoCreate: boolean): TopicMetadata {
  const { nodeId } = broker.identity;
  const empty = (errorCode: number): TopicMetadata => ({ errorCode, name, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 });
  const store = broker.stores.partitions;
  try {
    store.checkTopicName(name);
    if (!store.hasTopic(name)) {
      if (!autoCreate) return empty(KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code);
      store.createTopic(name, broker.topicDefaults.numPartitions);
    }
  } catch (error) {
    return empty(errorOf(error).code);
  }
  const { partitions } = store.describeTopic(name);
  return {
    errorCode: 0,
    name,
    isInternal: false,
    partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
      errorCode: 0,
      partitionIndex,
      leaderId: nodeId,
      leaderEpoch: 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  };
}

export const metadataHandler = defineHandler({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 8,
  request: metadataRequestSchema,
  response: metadataResponseSchema,
  handle(request, { broker, apiVersion }) {
    // v0: an empty list means every topic; v1+: null means every topic, empty means none.
    const all = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    const names = all ? broker.stores.partitions.listTopics().map((t) => t.name) : (request.topics ?? []).map((t) => t.name ?? '');
    const autoCreate = !all && broker.topicDefaults.autoCreateTopics && (apiVersion < 4 || request.allowAutoTopicCreation !== false);
    const { nodeId, advertisedHost, advertisedPort, clusterId } = broker.identity;
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: advertisedHost, port: advertisedPort, rack: null }],
      clusterId,
      controllerId: nodeId,
      topics: names.map((name) => describeTopic(broker, name, autoCreate)),
      clusterAuthorizedOperations: -2147483648,
    };
  },
});
