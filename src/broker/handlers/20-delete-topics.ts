import { deleteTopicsRequestSchema, deleteTopicsResponseSchema, DeleteTopicsRequest } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { isZeroUuid, uuidBytes, uuidText, ZERO_UUID } from '../../protocol/uuid';
import { errorOf } from './errors';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

/** v0-v5 name topics; v6 names each by name or by id (one of the two, as Kafka's DeleteTopicState). */
const FIRST_VERSION_WITH_TOPIC_STATES = 6;

function requested(request: DeleteTopicsRequest, apiVersion: number): { name: string | null; topicId: Buffer }[] {
  if (apiVersion >= FIRST_VERSION_WITH_TOPIC_STATES) return (request.topics ?? []).map((t) => ({ name: t.name ?? null, topicId: t.topicId ?? ZERO_UUID }));
  return (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
}

function deleteOne(context: RequestContext, topic: { name: string | null; topicId: Buffer }) {
  const { broker } = context;
  const store = broker.stores.partitions;
  const byId = !isZeroUuid(topic.topicId);
  if (byId === (topic.name !== null)) {
    return { name: topic.name, topicId: topic.topicId, errorCode: KafkaErrors.INVALID_REQUEST.code, errorMessage: 'name a topic by its name or by its id, not both or neither' };
  }
  const name = byId ? store.topicNameById(uuidText(topic.topicId)) : topic.name;
  if (name === undefined || name === null) return { name: null, topicId: topic.topicId, errorCode: KafkaErrors.UNKNOWN_TOPIC_ID.code, errorMessage: null };
  // As KafkaApis: a topic named by id is not named back to a caller that may not DESCRIBE it; deleting needs DELETE.
  const refused = KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code;
  if (byId && !allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) return { name: null, topicId: topic.topicId, errorCode: refused, errorMessage: null };
  if (!allowed(context, AclOperation.DELETE, ResourceType.TOPIC, name)) return { name, topicId: topic.topicId, errorCode: refused, errorMessage: null };
  try {
    const topicId = uuidBytes(store.describeTopic(name).topicId);
    store.deleteTopic(name);
    return { name, topicId, errorCode: 0, errorMessage: null };
  } catch (error) {
    const { code, message } = errorOf(error);
    return { name, topicId: topic.topicId, errorCode: code, errorMessage: message };
  }
}

export const deleteTopicsHandler = defineHandler({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  request: deleteTopicsRequestSchema,
  response: deleteTopicsResponseSchema,
  async handle(request, context) {
    const { broker, apiVersion } = context;
    const responses = requested(request, apiVersion).map((topic) => deleteOne(context, topic));
    // Committed offsets of a deleted topic go with it (Kafka's handleDeletedPartitions).
    const deleted = responses.filter((r) => r.errorCode === 0 && r.name !== null).map((r) => r.name as string);
    if (deleted.length > 0) await broker.groupCoordinator.topicsDeleted(deleted);
    return { throttleTimeMs: 0, responses };
  },
});
