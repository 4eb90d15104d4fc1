// Who may do what: Kafka's Authorizer interface (org.apache.kafka.server.authorizer.Authorizer) as the broker's
// handlers use it, and the store that keeps the ACLs across restarts. Codes are Kafka's (../protocol/acl-types).
import type { KafkaError } from '../protocol/error-codes';
import { aclName, AclOperation, AclPermissionType, PatternType, ResourceType } from '../protocol/acl-types';

/** A resource, or a family of them: a LITERAL name (`*` for every name) or a PREFIXED one. */
export interface ResourcePattern {
  resourceType: number;
  name: string;
  patternType: number;
}

/** Who (principal and host, `*` for any), which operation, allowed or denied. */
export interface AccessControlEntry {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** One ACL, as Kafka's AclBinding. */
export interface AclBinding {
  pattern: ResourcePattern;
  entry: AccessControlEntry;
}

/** What DescribeAcls and DeleteAcls select by: null names, principals and hosts match any; ANY codes too. */
export interface AclBindingFilter {
  pattern: { resourceType: number; name: string | null; patternType: number };
  entry: { principal: string | null; host: string | null; operation: number; permissionType: number };
}

/** The caller of a request: its principal ("User:alice") and its address ("127.0.0.1"). */
export interface Requester {
  principal: string;
  host: string;
}

/** One operation on one named resource (Kafka's Action). */
export interface Action {
  operation: number;
  resourceType: number;
  resourceName: string;
  /** False when a refusal is expected and handled quietly (authorized-operations, Metadata listing every topic). */
  logIfDenied?: boolean;
}

/** What DeleteAcls answers per filter: the bindings it removed, or why it removed none. */
export interface AclDeleteResult {
  error: KafkaError | null;
  deleted: AclBinding[];
}

export interface Authorizer {
  authorize(requester: Requester, action: Action): boolean;
  /** Whether the requester may do `operation` on at least one resource of the type (Kafka's authorizeByResourceType). */
  authorizeByResourceType(requester: Requester, operation: number, resourceType: number): boolean;
  /** The ACLs the filter matches; a filter with an unknown code throws INVALID_REQUEST (a KafkaError). */
  acls(filter: AclBindingFilter): AclBinding[];
  /** One answer per binding, in order: null when it was created (or already there), else the error. */
  createAcls(bindings: AclBinding[]): Promise<(KafkaError | null)[]>;
  deleteAcls(filters: AclBindingFilter[]): Promise<AclDeleteResult[]>;
}

/** Where the ACLs live between restarts: the whole set, replaced at each change so a crash leaves one version. */
export interface AclStore {
  load(): AclBinding[];
  save(bindings: readonly AclBinding[]): void;
}

/** One ACL under Kafka's names rather than codes (how the ACL file keeps it and `sluice acls list --json` prints it). */
export interface NamedAclBinding {
  resourceType: string;
  name: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

export function namedBinding({ pattern, entry }: AclBinding): NamedAclBinding {
  return {
    resourceType: aclName(ResourceType, pattern.resourceType),
    name: pattern.name,
    patternType: aclName(PatternType, pattern.patternType),
    principal: entry.principal,
    host: entry.host,
    operation: aclName(AclOperation, entry.operation),
    permissionType: aclName(AclPermissionType, entry.permissionType),
  };
}
