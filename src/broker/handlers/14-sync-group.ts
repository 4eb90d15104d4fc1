import { syncGroupRequestSchema, syncGroupResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

export const syncGroupHandler = defineHandler({
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  request: syncGroupRequestSchema,
  response: syncGroupResponseSchema,
  async handle(request, context) {
    const { broker, apiVersion } = context;
    if (!allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: KafkaErrors.GROUP_AUTHORIZATION_FAILED.code, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    // From v5 the protocol type and name are mandatory (KIP-559).
    if (apiVersion >= 5 && (request.protocolType == null || request.protocolName == null)) {
      return { throttleTimeMs: 0, errorCode: KafkaErrors.INCONSISTENT_GROUP_PROTOCOL.code, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    const result = await broker.groupCoordinator.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      protocolType: request.protocolType ?? null,
      protocolName: request.protocolName ?? null,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: KafkaErrors[result.error].code,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    };
  },
});
