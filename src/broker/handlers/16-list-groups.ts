import { listGroupsRequestSchema, listGroupsResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { AclOperation, allowed, clusterAllowed, ResourceType } from './authorize';

/** Every group here is a classic group (Kafka's GroupType.CLASSIC). */
const GROUP_TYPE = 'classic';

export const listGroupsHandler = defineHandler({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  request: listGroupsRequestSchema,
  response: listGroupsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    // As KafkaApis: DESCRIBE on the cluster lists every group, else only those the caller may DESCRIBE.
    const everyGroup = clusterAllowed(context, AclOperation.DESCRIBE, false);
    // Both filters compare case-insensitively, as Kafka does; an empty filter keeps everything.
    const states = new Set((request.statesFilter ?? []).map((s) => s.toLowerCase()));
    const types = new Set((request.typesFilter ?? []).map((t) => t.toLowerCase()));
    const groups = types.size > 0 && !types.has(GROUP_TYPE) ? [] : broker.groupCoordinator.listGroups();
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: groups
        .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
        .filter((g) => everyGroup || allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId, false))
        .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: GROUP_TYPE })),
    };
  },
});
