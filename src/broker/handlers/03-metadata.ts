import { metadataRequestSchema, metadataResponseSchema, MetadataRequest, MetadataResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { isZeroUuid, uuidBytes, uuidText, ZERO_UUID } from '../../protocol/uuid';
import { advertisedEndpoint, BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { authorizedOperations, CLUSTER_OPERATIONS, OPERATIONS_OMITTED, TOPIC_OPERATIONS } from './authorized-operations';

type TopicMetadata = MetadataResponse['topics'][number];
type RequestedTopic = NonNullable<MetadataRequest['topics']>[number];
/** Topic ids are answered from v10; asked for (instead of names) only from v12. */
const FIRST_VERSION_WITH_ID_LOOKUP = 12;

function empty(errorCode: number, name: string | null, topicId: Buffer = ZERO_UUID): TopicMetadata {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_OMITTED };
}

function describeTopic(broker: BrokerState, name: string, autoCreate: boolean, operations = OPERATIONS_OMITTED): TopicMetadata {
  const { nodeId } = broker.identity;
  const store = broker.stores.partitions;
  try {
    store.checkTopicName(name);
    if (!store.hasTopic(name)) {
      if (!autoCreate) return empty(KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code, name);
      store.createTopic(name, broker.topicDefaults.numPartitions);
    }
  } catch (error) {
    return empty(errorOf(error).code, name);
  }
  const { partitions, topicId } = store.describeTopic(name);
  return {
    errorCode: 0,
    name,
    topicId: uuidBytes(topicId),
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
    topicAuthorizedOperations: operations,
  };
}

/** As Kafka: a name or an id, never both; ids only from v12 (before, INVALID_REQUEST for every topic). */
function describeRequested(broker: BrokerState, topic: RequestedTopic, autoCreate: boolean, apiVersion: number, operations: number): TopicMetadata {
  const byId = !isZeroUuid(topic.topicId);
  if ((byId || topic.name === null) && apiVersion < FIRST_VERSION_WITH_ID_LOOKUP) return empty(KafkaErrors.INVALID_REQUEST.code, topic.name ?? '', topic.topicId);
  if (!byId) return describeTopic(broker, topic.name ?? '', autoCreate, operations);
  const name = broker.stores.partitions.topicNameById(uuidText(topic.topicId as Buffer));
  if (name === undefined) return empty(KafkaErrors.UNKNOWN_TOPIC_ID.code, null, topic.topicId);
  return describeTopic(broker, name, false, operations);
}

export const metadataHandler = defineHandler({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  request: metadataRequestSchema,
  response: metadataResponseSchema,
  handle(request, { broker, apiVersion, session }) {
    // v0: an empty list means every topic; v1+: null means every topic, empty means none.
    const all = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    const autoCreate = !all && broker.topicDefaults.autoCreateTopics && (apiVersion < 4 || request.allowAutoTopicCreation !== false);
    const operations = authorizedOperations(request.includeTopicAuthorizedOperations, TOPIC_OPERATIONS);
    const topics = all
      ? broker.stores.partitions.listTopics().map((t) => describeTopic(broker, t.name, false, operations))
      : (request.topics ?? []).map((t) => describeRequested(broker, t, autoCreate, apiVersion, operations));
    const { nodeId, clusterId } = broker.identity;
    const { host, port } = advertisedEndpoint(broker.identity, session.listenerName);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: authorizedOperations(request.includeClusterAuthorizedOperations, CLUSTER_OPERATIONS),
    };
  },
});
