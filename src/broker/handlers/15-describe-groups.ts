import { describeGroupsRequestSchema, describeGroupsResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { GROUP_OPERATIONS, OPERATIONS_OMITTED } from './authorized-operations';


export const describeGroupsHandler = defineHandler({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  request: describeGroupsRequestSchema,
  response: describeGroupsResponseSchema,
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
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
          authorizedOperations: request.includeAuthorizedOperations ? GROUP_OPERATIONS : OPERATIONS_OMITTED,
        };
      }),
    };
  },
});
