import { heartbeatRequestSchema, heartbeatResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';

export const heartbeatHandler = defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: heartbeatRequestSchema,
  response: heartbeatResponseSchema,
  handle(request, context) {
    const { broker } = context;
    if (!allowed(context, AclOperation.READ, ResourceType.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: KafkaErrors.GROUP_AUTHORIZATION_FAILED.code };
    const error = broker.groupCoordinator.heartbeat(request.groupId, request.memberId, request.groupInstanceId ?? null, request.generationId);
    return { throttleTimeMs: 0, errorCode: KafkaErrors[error].code };
  },
});
