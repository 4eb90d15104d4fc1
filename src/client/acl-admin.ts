// What Kafka's Admin client does for kafka-acls.sh: CreateAcls, DescribeAcls and DeleteAcls, sent to any broker.
import { createAclsRequestSchema } from '../protocol/generated/create-acls-request';
import { createAclsResponseSchema } from '../protocol/generated/create-acls-response';
import { deleteAclsRequestSchema } from '../protocol/generated/delete-acls-request';
import { deleteAclsResponseSchema } from '../protocol/generated/delete-acls-response';
import { describeAclsRequestSchema } from '../protocol/generated/describe-acls-request';
import { describeAclsResponseSchema } from '../protocol/generated/describe-acls-response';
import { KafkaError, errorNameForCode } from '../protocol/error-codes';
import { PatternType } from '../protocol/acl-types';
import type { AclBinding, AclBindingFilter } from '../ports/authorizer';
import type { KafkaClient } from './kafka-client';
import { throwIfError } from './cluster-connections';

/** One binding of a CreateAcls that the broker refused, with its error. */
export class AclCreateError extends Error {
  constructor(readonly failures: { binding: AclBinding; error: KafkaError }[]) {
    super(failures.map((f) => f.error.message).join('; '));
    this.name = 'AclCreateError';
  }
}

function wireFilter(filter: AclBindingFilter) {
  return {
    resourceTypeFilter: filter.pattern.resourceType,
    resourceNameFilter: filter.pattern.name,
    patternTypeFilter: filter.pattern.patternType,
    principalFilter: filter.entry.principal,
    hostFilter: filter.entry.host,
    operation: filter.entry.operation,
    permissionType: filter.entry.permissionType,
  };
}

const kafkaError = (code: number, message: string | null) => new KafkaError(errorNameForCode(code) ?? 'UNKNOWN_SERVER_ERROR', message ?? `error ${code}`);

export class AclAdmin {
  constructor(private readonly client: KafkaClient) {}

  /** Creates every binding; throws AclCreateError naming those refused (the others are created). */
  async createAcls(bindings: AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    const response = await this.client.call(30, createAclsRequestSchema, createAclsResponseSchema, () => ({
      creations: bindings.map(({ pattern, entry }) => ({
        resourceType: pattern.resourceType,
        resourceName: pattern.name,
        resourcePatternType: pattern.patternType,
        principal: entry.principal,
        host: entry.host,
        operation: entry.operation,
        permissionType: entry.permissionType,
      })),
    }));
    const failures = response.results.flatMap((r, i) => (r.errorCode === 0 ? [] : [{ binding: bindings[i], error: kafkaError(r.errorCode, r.errorMessage) }]));
    if (failures.length > 0) throw new AclCreateError(failures);
  }

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    const response = await this.client.call(29, describeAclsRequestSchema, describeAclsResponseSchema, () => wireFilter(filter));
    throwIfError(response.errorCode, 'DescribeAcls', response.errorMessage);
    return response.resources.flatMap((resource) =>
      resource.acls.map((acl) => ({
        pattern: { resourceType: resource.resourceType, name: resource.resourceName, patternType: resource.patternType ?? PatternType.LITERAL },
        entry: { principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: acl.permissionType },
      })),
    );
  }

  /** The bindings removed, per filter; throws the first filter's error. */
  async deleteAcls(filters: AclBindingFilter[]): Promise<AclBinding[][]> {
    if (filters.length === 0) return [];
    const response = await this.client.call(31, deleteAclsRequestSchema, deleteAclsResponseSchema, () => ({ filters: filters.map(wireFilter) }));
    for (const result of response.filterResults) throwIfError(result.errorCode, 'DeleteAcls', result.errorMessage);
    return response.filterResults.map((result) =>
      result.matchingAcls.map((acl) => ({
        pattern: { resourceType: acl.resourceType, name: acl.resourceName, patternType: acl.patternType ?? PatternType.LITERAL },
        entry: { principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: acl.permissionType },
      })),
    );
  }
}
