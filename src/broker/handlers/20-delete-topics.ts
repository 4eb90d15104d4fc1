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
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      responses: (request.topicNames ?? []).map((name) => {
        try {
          broker.stores.partitions.deleteTopic(name);
          return { name, errorCode: 0 };
        } catch (error) {
          return { name, errorCode: errorOf(error).code };
        }
      }),
    };
  },
});
