import { metadataRequestSchema, metadataResponseSchema, MetadataRequest, MetadataResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { isZeroUuid, uuidBytes, uuidText, ZERO_UUID } from '../../protocol/uuid';
import { advertisedEndpoint, BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler, RequestContext } from './handler';
import { CLUSTER_NAME } from '../../protocol/acl-types';
import { AclOperation, allowed, authorizedOperations, clusterAllowed, OPERATIONS_OMITTED, ResourceType } from './authorize';

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

/**
 * As Kafka: a name or an id, never both; ids only from v12 (before, INVALID_REQUEST for every topic). A topic the
 * caller may not DESCRIBE is TOPIC_AUTHORIZATION_FAILED (by id without its name); creating one on the way needs
 * CREATE on the cluster or on the topic (TOPIC_AUTHORIZATION_FAILED too).
 */
function describeRequested(context: RequestContext, topic: RequestedTopic, autoCreate: boolean, operationsAsked: boolean | undefined): TopicMetadata {
  const { broker, apiVersion } = context;
  const refused = KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code;
  const byId = !isZeroUuid(topic.topicId);
  if ((byId || topic.name === null) && apiVersion < FIRST_VERSION_WITH_ID_LOOKUP) return empty(KafkaErrors.INVALID_REQUEST.code, topic.name ?? '', topic.topicId);
  const name = byId ? broker.stores.partitions.topicNameById(uuidText(topic.topicId as Buffer)) : topic.name ?? '';
  if (name === undefined) return empty(KafkaErrors.UNKNOWN_TOPIC_ID.code, null, topic.topicId);
  if (!allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) return byId ? empty(refused, null, topic.topicId) : empty(refused, name);
  const creating = !byId && autoCreate && !broker.stores.partitions.hasTopic(name);
  if (creating && !clusterAllowed(context, AclOperation.CREATE, false) && !allowed(context, AclOperation.CREATE, ResourceType.TOPIC, name)) return empty(refused, name);
  return describeTopic(broker, name, !byId && autoCreate, authorizedOperations(context, operationsAsked, ResourceType.TOPIC, name));
}

export const metadataHandler = defineHandler({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  request: metadataRequestSchema,
  response: metadataResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    // v0: an empty list means every topic; v1+: null means every topic, empty means none.
    const all = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    const autoCreate = !all && broker.topicDefaults.autoCreateTopics && (apiVersion < 4 || request.allowAutoTopicCreation !== false);
    const asked = request.includeTopicAuthorizedOperations;
    // Listing every topic leaves out, quietly, those the caller may not DESCRIBE.
    const topics = all
      ? broker.stores.partitions
          .listTopics()
          .filter((t) => allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name, false))
          .map((t) => describeTopic(broker, t.name, false, authorizedOperations(context, asked, ResourceType.TOPIC, t.name)))
      : (request.topics ?? []).map((t) => describeRequested(context, t, autoCreate, asked));
    const clusterOperations = !request.includeClusterAuthorizedOperations
      ? OPERATIONS_OMITTED
      : clusterAllowed(context, AclOperation.DESCRIBE) ? authorizedOperations(context, true, ResourceType.CLUSTER, CLUSTER_NAME) : 0;
    const { nodeId, clusterId } = broker.identity;
    const { host, port } = advertisedEndpoint(broker.identity, context.session.listenerName);
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: clusterOperations,
    };
  },
});
