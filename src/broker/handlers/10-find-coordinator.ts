import { findCoordinatorRequestSchema, findCoordinatorResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';
import { advertisedEndpoint } from '../broker-state';

/** CoordinatorType: 0 group, 1 transaction (2, share, needs a share coordinator, which sluice has not). */
const SERVED_KEY_TYPES = new Set([0, 1]);

/** As KafkaApis: DESCRIBE on the group or transactional id the key names. */
function refusal(context: RequestContext, keyType: number, key: string): { code: number; message: string } | null {
  const [resourceType, error] = keyType === 1 ? [ResourceType.TRANSACTIONAL_ID, KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED] : [ResourceType.GROUP, KafkaErrors.GROUP_AUTHORIZATION_FAILED];
  return allowed(context, AclOperation.DESCRIBE, resourceType, key) ? null : error;
}

export const findCoordinatorHandler = defineHandler({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  request: findCoordinatorRequestSchema,
  response: findCoordinatorResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    // One broker coordinates every group and every transactional id.
    const { nodeId } = broker.identity;
    const { host: advertisedHost, port: advertisedPort } = advertisedEndpoint(broker.identity, context.session.listenerName);
    const keyType = request.keyType ?? 0;
    const served = SERVED_KEY_TYPES.has(keyType);
    const error = served ? KafkaErrors.NONE : KafkaErrors.INVALID_REQUEST;
    const errorMessage = served ? null : `coordinator key type ${keyType} is not served (0 group, 1 transaction)`;
    if (apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (request.coordinatorKeys ?? []).map((key) => {
          const refused = served ? refusal(context, keyType, key) : null;
          if (refused) return { key, nodeId: -1, host: '', port: -1, errorCode: refused.code, errorMessage: refused.message };
          return { key, nodeId: served ? nodeId : -1, host: served ? advertisedHost : '', port: served ? advertisedPort : -1, errorCode: error.code, errorMessage };
        }),
      };
    }
    const refused = served ? refusal(context, keyType, request.key ?? '') : null;
    if (refused) return { throttleTimeMs: 0, errorCode: refused.code, errorMessage: refused.message, nodeId: -1, host: '', port: -1 };
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
