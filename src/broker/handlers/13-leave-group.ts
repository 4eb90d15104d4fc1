import { leaveGroupRequestSchema, leaveGroupResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

export const leaveGroupHandler = defineHandler({
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  request: leaveGroupRequestSchema,
  response: leaveGroupResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    if (!allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: KafkaErrors.GROUP_AUTHORIZATION_FAILED.code, members: [] };
    // v0–v2 name one member; v3+ a batch (KIP-345), which may name static members by instance id alone.
    const leaving = apiVersion >= 3
      ? (request.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, reason: m.reason ?? null }))
      : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    const result = broker.groupCoordinator.leave(request.groupId, leaving);
    const members = result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: KafkaErrors[m.error].code }));
    // Before v3 the one member's error is the answer's error.
    const memberError = members.find((m) => m.errorCode !== 0)?.errorCode ?? 0;
    const errorCode = result.error !== 'NONE' || apiVersion >= 3 ? KafkaErrors[result.error].code : memberError;
    return { throttleTimeMs: 0, errorCode, members };
  },
});
