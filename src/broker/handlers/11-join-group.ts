import { joinGroupRequestSchema, joinGroupResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

export const joinGroupHandler = defineHandler({
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  request: joinGroupRequestSchema,
  response: joinGroupResponseSchema,
  async handle(request, context) {
    const { broker, apiVersion, clientId, clientHost } = context;
    if (!allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      const { code } = KafkaErrors.GROUP_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, errorCode: code, generationId: -1, protocolType: null, protocolName: apiVersion >= 7 ? null : '', leader: '', skipAssignment: false, memberId: '', members: [] };
    }
    const result = await broker.groupCoordinator.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      requireKnownMemberId: apiVersion >= 4,
      supportSkippingAssignment: apiVersion >= 9,
      clientId: clientId ?? '',
      clientHost,
      // v0 has no rebalance timeout: the session timeout serves as both.
      rebalanceTimeoutMs: apiVersion >= 1 ? request.rebalanceTimeoutMs ?? request.sessionTimeoutMs : request.sessionTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      reason: request.reason ?? null,
    });
    return {
      throttleTimeMs: 0,
      errorCode: KafkaErrors[result.error].code,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Before v7 the protocol name is not nullable.
      protocolName: apiVersion >= 7 ? result.protocolName : result.protocolName ?? '',
      leader: result.leaderId,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});
