import { describeGroupsRequestSchema, describeGroupsResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { KafkaErrors } from '../../protocol/error-codes';
import { AclOperation, allowed, authorizedOperations, OPERATIONS_OMITTED, ResourceType } from './authorize';
export const describeGroupsHandler = defineHandler({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  request: describeGroupsRequestSchema,
  response: describeGroupsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        if (!allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
          const errorCode = KafkaErrors.GROUP_AUTHORIZATION_FAILED.code;
          return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: OPERATIONS_OMITTED };
        }
        const group = broker.groupCoordinator.describeGroup(groupId);
        return {
          errorCode: 0,
          groupId,
          groupState: group.state,
          protocolType: group.protocolType,
          protocolData: group.protocol,
          members: group.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: authorizedOperations(context, request.includeAuthorizedOperations, ResourceType.GROUP, groupId),
        };
      }),
    };
  },
});
