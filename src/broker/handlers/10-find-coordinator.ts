import { findCoordinatorRequestSchema, findCoordinatorResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { advertisedEndpoint } from '../broker-state';

/** CoordinatorType: 0 group, 1 transaction (2, share, needs a share coordinator, which sluice has not). */
const SERVED_KEY_TYPES = new Set([0, 1]);

export const findCoordinatorHandler = defineHandler({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  request: findCoordinatorRequestSchema,
  response: findCoordinatorResponseSchema,
  handle(request, { broker, apiVersion, session }) {
    // One broker coordinates every group and every transactional id.
    const { nodeId } = broker.identity;
    const { host: advertisedHost, port: advertisedPort } = advertisedEndpoint(broker.identity, session.listenerName);
    const keyType = request.keyType ?? 0;
    const served = SERVED_KEY_TYPES.has(keyType);
    const error = served ? KafkaErrors.NONE : KafkaErrors.INVALID_REQUEST;
    const errorMessage = served ? null : `coordinator key type ${keyType} is not served (0 group, 1 transaction)`;
    if (apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (request.coordinatorKeys ?? []).map((key) => ({
          key,
          nodeId: served ? nodeId : -1,
          host: served ? advertisedHost : '',
          port: served ? advertisedPort : -1,
          errorCode: error.code,
          errorMessage,
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: error.code,
      errorMessage,
      nodeId: served ? nodeId : -1,
      host: served ? advertisedHost : '',
      port: served ? advertisedPort : -1,
    };
  },
});
