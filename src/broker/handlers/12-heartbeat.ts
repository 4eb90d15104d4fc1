import { heartbeatRequestSchema, heartbeatResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';

export const heartbeatHandler = defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: heartbeatRequestSchema,
  response: heartbeatResponseSchema,
  handle(request, { broker }) {
    const error = broker.groupCoordinator.heartbeat(request.groupId, request.memberId, request.groupInstanceId ?? null, request.generationId);
    return { throttleTimeMs: 0, errorCode: KafkaErrors[error].code };
  },
});
