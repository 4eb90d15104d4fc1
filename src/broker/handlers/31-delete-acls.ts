import { deleteAclsRequestSchema, deleteAclsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, clusterAllowed } from './authorize';
import { filterOf, wireBinding } from './acl-bindings';

/** As Kafka's AclApis: ALTER on the cluster, then per filter the ACLs it removed (INVALID_REQUEST for an unknown filter). */
export const deleteAclsHandler = defineHandler({
  apiKey: 31,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 3,
  request: deleteAclsRequestSchema,
  response: deleteAclsResponseSchema,
  async handle(request, context) {
    if (!clusterAllowed(context, AclOperation.ALTER)) {
      const { code, message } = KafkaErrors.CLUSTER_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode: code, errorMessage: message, matchingAcls: [] })) };
    }
    const results = await context.broker.stores.authorizer.deleteAcls(request.filters.map(filterOf));
    return {
      throttleTimeMs: 0,
      filterResults: results.map(({ error, deleted }) => ({
        errorCode: error?.code ?? 0,
        errorMessage: error?.message ?? null,
        matchingAcls: deleted.map((binding) => ({ errorCode: 0, errorMessage: null, ...wireBinding(binding) })),
      })),
    };
  },
});
