import { deleteGroupsRequestSchema, deleteGroupsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { errorOf } from './errors';
import { defineHandler } from './handler';

export const deleteGroupsHandler = defineHandler({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  request: deleteGroupsRequestSchema,
  response: deleteGroupsResponseSchema,
  async handle(request, { broker }) {
    const results = [];
    for (const groupId of new Set(request.groupsNames)) {
      try {
        results.push({ groupId, errorCode: KafkaErrors[await broker.groupCoordinator.deleteGroup(groupId)].code });
      } catch (error) {
        results.push({ groupId, errorCode: errorOf(error).code });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
