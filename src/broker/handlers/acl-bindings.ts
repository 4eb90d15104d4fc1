// What DescribeAcls (29), CreateAcls (30) and DeleteAcls (31) share: their wire fields as Kafka's AclBinding and
// AclBindingFilter. Before v1 there is no pattern type: the codec fills in LITERAL, as Kafka's JSON default.
import { PatternType } from '../../protocol/acl-types';
import type { AclBinding, AclBindingFilter } from '../../ports/authorizer';

export interface WireFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter?: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export function filterOf(wire: WireFilter): AclBindingFilter {
  return {
    pattern: { resourceType: wire.resourceTypeFilter, name: wire.resourceNameFilter, patternType: wire.patternTypeFilter ?? PatternType.LITERAL },
    entry: { principal: wire.principalFilter, host: wire.hostFilter, operation: wire.operation, permissionType: wire.permissionType },
  };
}

/** A binding as the responses carry it, field by field. */
export function wireBinding(binding: AclBinding) {
  const { pattern, entry } = binding;
  return {
    resourceType: pattern.resourceType,
    resourceName: pattern.name,
    patternType: pattern.patternType,
    principal: entry.principal,
    host: entry.host,
    operation: entry.operation,
    permissionType: entry.permissionType,
  };
}
