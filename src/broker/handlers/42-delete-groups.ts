import { deleteGroupsRequestSchema, deleteGroupsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

export const deleteGroupsHandler = defineHandler({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  request: deleteGroupsRequestSchema,
  response: deleteGroupsResponseSchema,
  async handle(request, context) {
    const { broker } = context;
    const results = [];
    for (const groupId of new Set(request.groupsNames)) {
      if (!allowed(context, AclOperation.DELETE, ResourceType.GROUP, groupId)) {
        results.push({ groupId, errorCode: KafkaErrors.GROUP_AUTHORIZATION_FAILED.code });
        continue;
      }
      try {
        results.push({ groupId, errorCode: KafkaErrors[await broker.groupCoordinator.deleteGroup(groupId)].code });
      } catch (error) {
        results.push({ groupId, errorCode: errorOf(error).code });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
