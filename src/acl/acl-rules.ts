// The pure rules of Kafka's StandardAuthorizer (StandardAuthorizerData.findResult), AclBindingFilter.matches and
// the checks CreateAcls/DeleteAcls make (AclApis, AclControlManager.validateNewAcl / validateFilter).
import { AclOperation as Op, AclPermissionType as Permission, aclName, CLUSTER_NAME, PatternType, ResourceType, WILDCARD, WILDCARD_PRINCIPAL } from '../protocol/acl-types';
import { KafkaError } from '../protocol/error-codes';
import type { AclBinding, AclBindingFilter, Action, ResourcePattern } from '../ports/authorizer';

/** Operations an ALLOW of which also allows DESCRIBE (a DENY implies nothing). */
const IMPLIES_DESCRIBE: ReadonlySet<number> = new Set([Op.DESCRIBE, Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]);
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<number> = new Set([Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS]);

/** Whether an ACL's pattern covers the named resource: the same name, the `*` literal, or a prefix of it. */
export function patternCovers(pattern: ResourcePattern, resourceType: number, name: string): boolean {
  if (pattern.resourceType !== resourceType) return false;
  if (pattern.patternType === PatternType.PREFIXED) return name.startsWith(pattern.name);
  return pattern.name === name || pattern.name === WILDCARD;
}

/** Whether the ACL's operation covers the action's, with Kafka's implied operations for ALLOW. */
export function operationCovers(aclOperation: number, permissionType: number, operation: number): boolean {
  if (aclOperation === Op.ALL || aclOperation === operation) return true;
  if (permissionType !== Permission.ALLOW) return false;
  if (operation === Op.DESCRIBE) return IMPLIES_DESCRIBE.has(aclOperation);
  if (operation === Op.DESCRIBE_CONFIGS) return IMPLIES_DESCRIBE_CONFIGS.has(aclOperation);
  return false;
}

/** ALLOW, DENY, or undefined when the ACL (already known to cover the resource) says nothing of this request. */
export function aclResult(binding: AclBinding, principal: string, host: string, action: Action): 'allow' | 'deny' | undefined {
  const { entry } = binding;
  if (entry.principal !== principal && entry.principal !== WILDCARD_PRINCIPAL) return undefined;
  if (entry.host !== WILDCARD && entry.host !== host) return undefined;
  if (!operationCovers(entry.operation, entry.permissionType, action.operation)) return undefined;
  return entry.permissionType === Permission.ALLOW ? 'allow' : 'deny';
}

/** Kafka's ResourcePatternFilter.matches: MATCH selects every pattern that would apply to the named resource. */
function patternFilterMatches(filter: AclBindingFilter['pattern'], pattern: ResourcePattern): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== pattern.resourceType) return false;
  const { patternType } = filter;
  if (patternType !== PatternType.ANY && patternType !== PatternType.MATCH && patternType !== pattern.patternType) return false;
  if (filter.name === null) return true;
  if (patternType === PatternType.ANY || patternType === pattern.patternType) return filter.name === pattern.name;
  return patternCovers(pattern, pattern.resourceType, filter.name);
}

export function filterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  const { entry } = filter;
  return (
    patternFilterMatches(filter.pattern, binding.pattern) &&
    (entry.principal === null || entry.principal === binding.entry.principal) &&
    (entry.host === null || entry.host === binding.entry.host) &&
    (entry.operation === Op.ANY || entry.operation === binding.entry.operation) &&
    (entry.permissionType === Permission.ANY || entry.permissionType === binding.entry.permissionType)
  );
}

const invalid = (detail: string) => new KafkaError('INVALID_REQUEST', detail);

/** Why Kafka refuses to create the binding (INVALID_REQUEST), or null. */
export function newAclProblem(binding: AclBinding): KafkaError | null {
  const { pattern, entry } = binding;
  if (pattern.resourceType === ResourceType.UNKNOWN || pattern.resourceType === ResourceType.ANY || aclName(ResourceType, pattern.resourceType) === 'UNKNOWN') {
    return invalid(`Invalid resourceType ${aclName(ResourceType, pattern.resourceType)}`);
  }
  if (pattern.patternType !== PatternType.LITERAL && pattern.patternType !== PatternType.PREFIXED) return invalid(`Invalid patternType ${aclName(PatternType, pattern.patternType)}`);
  if (entry.operation === Op.UNKNOWN || entry.operation === Op.ANY || aclName(Op, entry.operation) === 'UNKNOWN') return invalid(`Invalid operation ${aclName(Op, entry.operation)}`);
  if (entry.permissionType !== Permission.ALLOW && entry.permissionType !== Permission.DENY) return invalid(`Invalid permissionType ${aclName(Permission, entry.permissionType)}`);
  if (pattern.resourceType === ResourceType.CLUSTER && pattern.name !== CLUSTER_NAME) return invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`);
  if (pattern.name === '') return invalid('Invalid empty resource name');
  if (!entry.principal.includes(':')) {
    return invalid(`Could not parse principal from \`${entry.principal}\` (no colon is present separating the principal type from the principal name)`);
  }
  return null;
}

/** Kafka's AclBindingFilter.isUnknown: a filter naming an unknown code (INVALID_REQUEST), or null. */
export function filterProblem(filter: AclBindingFilter): KafkaError | null {
  const known = (table: Readonly<Record<string, number>>, code: number) => code !== 0 && aclName(table, code) !== 'UNKNOWN';
  if (!known(ResourceType, filter.pattern.resourceType) || !known(PatternType, filter.pattern.patternType)) return invalid('Unknown patternFilter.');
  if (!known(Op, filter.entry.operation) || !known(Permission, filter.entry.permissionType)) return invalid('Unknown entryFilter.');
  return null;
}

/** One text per binding, for sets and log lines: "Topic:LITERAL:a User:alice * READ ALLOW". */
export function bindingKey(binding: AclBinding): string {
  const { pattern: p, entry: e } = binding;
  return JSON.stringify([p.resourceType, p.name, p.patternType, e.principal, e.host, e.operation, e.permissionType]);
}

/** Kafka's resource text in authorizer log lines: "Topic:LITERAL:orders". */
export function resourceText(resourceType: number, name: string, patternType: number = PatternType.LITERAL): string {
  const type = aclName(ResourceType, resourceType).toLowerCase().replace(/(^|_)(\w)/g, (_match, _separator: string, letter: string) => letter.toUpperCase());
  return `${type}:${aclName(PatternType, patternType)}:${name}`;
}
