import { createAclsRequestSchema, createAclsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { PatternType } from '../../protocol/acl-types';
import { defineHandler } from './handler';
import { AclOperation, clusterAllowed } from './authorize';

/** As Kafka's AclApis: ALTER on the cluster, then one answer per ACL (INVALID_REQUEST for a malformed one). */
export const createAclsHandler = defineHandler({
  apiKey: 30,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 3,
  request: createAclsRequestSchema,
  response: createAclsResponseSchema,
  async handle(request, context) {
    if (!clusterAllowed(context, AclOperation.ALTER)) {
      const { code, message } = KafkaErrors.CLUSTER_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode: code, errorMessage: message })) };
    }
    const answers = await context.broker.stores.authorizer.createAcls(
      request.creations.map((c) => ({
        pattern: { resourceType: c.resourceType, name: c.resourceName, patternType: c.resourcePatternType ?? PatternType.LITERAL },
        entry: { principal: c.principal, host: c.host, operation: c.operation, permissionType: c.permissionType },
      })),
    );
    return {
      throttleTimeMs: 0,
      results: answers.map((error) => (error ? { errorCode: error.code, errorMessage: error.message } : { errorCode: 0, errorMessage: null })),
    };
  },
});
