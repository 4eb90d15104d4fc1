import { deleteTopicsRequestSchema, deleteTopicsResponseSchema } from '../../protocol/generated';
import { errorOf } from './errors';
import { defineHandler } from './handler';

export const deleteTopicsHandler = defineHandler({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 3,
  request: deleteTopicsRequestSchema,
  response: deleteTopicsResponseSchema,
  async handle(request, { broker }) {
    const responses = (request.topicNames ?? []).map((name) => {
      try {
        broker.stores.partitions.deleteTopic(name);
        return { name, errorCode: 0 };
      } catch (error) {
        return { name, errorCode: errorOf(error).code };
      }
    });
    // Committed offsets of a deleted topic go with it (Kafka's handleDeletedPartitions).
    const deleted = responses.filter((r) => r.errorCode === 0).map((r) => r.name);
    if (deleted.length > 0) await broker.groupCoordinator.topicsDeleted(deleted);
    return { throttleTimeMs: 0, responses };
  },
});
