import { describeAclsRequestSchema, describeAclsResponseSchema, DescribeAclsResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { errorOf } from './errors';
import { AclOperation, clusterAllowed } from './authorize';
import { filterOf } from './acl-bindings';

type Resource = DescribeAclsResponse['resources'][number];

/** As Kafka's AclApis: DESCRIBE on the cluster, then the ACLs the filter matches, grouped by resource pattern. */
export const describeAclsHandler = defineHandler({
  apiKey: 29,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,
  request: describeAclsRequestSchema,
  response: describeAclsResponseSchema,
  handle(request, context) {
    const failed = (code: number, message: string) => ({ throttleTimeMs: 0, errorCode: code, errorMessage: message, resources: [] });
    if (!clusterAllowed(context, AclOperation.DESCRIBE)) return failed(KafkaErrors.CLUSTER_AUTHORIZATION_FAILED.code, 'Cluster authorization failed.');
    let bindings;
    try {
      bindings = context.broker.stores.authorizer.acls(filterOf(request));
    } catch (error) {
      const { code, message } = errorOf(error);
      return failed(code, message);
    }
    const resources = new Map<string, Resource>();
    for (const { pattern, entry } of bindings) {
      const key = JSON.stringify([pattern.resourceType, pattern.name, pattern.patternType]);
      let resource = resources.get(key);
      if (!resource) {
        resource = { resourceType: pattern.resourceType, resourceName: pattern.name, patternType: pattern.patternType, acls: [] };
        resources.set(key, resource);
      }
      resource.acls.push({ principal: entry.principal, host: entry.host, operation: entry.operation, permissionType: entry.permissionType });
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [...resources.values()] };
  },
});
