// The pure part of `sluice acls`: kafka-acls.sh's flags as ACL bindings and filters, and its listing format.
import { aclCode, aclName, AclOperation, AclPermissionType, CLUSTER_NAME, PatternType, ResourceType, WILDCARD } from '../../protocol/acl-types';
import { namedBinding } from '../../ports/authorizer';
import type { AclBinding, AclBindingFilter, ResourcePattern } from '../../ports/authorizer';

export interface AclArgs {
  'allow-principal': string[];
  'deny-principal': string[];
  principal: string[];
  'allow-host': string[];
  'deny-host': string[];
  host: string[];
  operation: string[];
  topic: string[];
  group: string[];
  cluster: boolean;
  'transactional-id': string[];
  'resource-pattern-type': string;
  producer: boolean;
  consumer: boolean;
}

/** A flag combination kafka-acls.sh would refuse too. */
export class AclUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AclUsageError';
  }
}

function code(table: Readonly<Record<string, number>>, what: string, name: string, allowed: (code: number) => boolean): number {
  const found = aclCode(table, name);
  if (!allowed(found)) throw new AclUsageError(`unknown ${what} "${name}"`);
  return found;
}

/** The resources named by --topic, --group, --cluster, --transactional-id, with --resource-pattern-type. */
export function resourcePatterns(args: AclArgs, forAdd: boolean): { resourceType: number; name: string | null; patternType: number }[] {
  const patternType = code(PatternType, 'resource pattern type', args['resource-pattern-type'], (c) => (forAdd ? c === PatternType.LITERAL || c === PatternType.PREFIXED : c > 0));
  const named = (resourceType: number, names: string[]) => names.map((name) => ({ resourceType, name, patternType }));
  return [
    ...named(ResourceType.TOPIC, args.topic),
    ...named(ResourceType.GROUP, args.group),
    ...(args.cluster ? [{ resourceType: ResourceType.CLUSTER, name: CLUSTER_NAME, patternType: PatternType.LITERAL }] : []),
    ...named(ResourceType.TRANSACTIONAL_ID, args['transactional-id']),
  ];
}

/** --operation names, or kafka-acls.sh's --producer / --consumer shortcuts per resource type. */
function operationsFor(args: AclArgs, resourceType: number): number[] {
  if (args.producer || args.consumer) {
    const ops: number[] = [];
    if (resourceType === ResourceType.TOPIC) {
      if (args.producer) ops.push(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE);
      if (args.consumer) ops.push(AclOperation.READ, AclOperation.DESCRIBE);
    }
    if (resourceType === ResourceType.GROUP && args.consumer) ops.push(AclOperation.READ);
    if (resourceType === ResourceType.TRANSACTIONAL_ID && args.producer) ops.push(AclOperation.WRITE, AclOperation.DESCRIBE);
    return [...new Set(ops)];
  }
  const names = args.operation.length > 0 ? args.operation : ['All'];
  return names.map((name) => code(AclOperation, 'operation', name, (c) => c > AclOperation.ANY));
}

const hostsOf = (specific: string[], shared: string[]) => (specific.length > 0 ? specific : shared.length > 0 ? shared : [WILDCARD]);

/** Every (resource, principal, host, operation) the flags of `sluice acls add` name. */
export function bindingsToAdd(args: AclArgs): AclBinding[] {
  const patterns = resourcePatterns(args, true) as ResourcePattern[];
  if (patterns.length === 0) throw new AclUsageError('name a resource: --topic, --group, --cluster or --transactional-id');
  if (args['allow-principal'].length + args['deny-principal'].length === 0) throw new AclUsageError('name a principal: --allow-principal or --deny-principal (User:NAME)');
  if (args.consumer && args.group.length === 0) throw new AclUsageError('--consumer needs --group');
  const bindings: AclBinding[] = [];
  const grants: [string[], string[], number][] = [
    [args['allow-principal'], hostsOf(args['allow-host'], args.host), AclPermissionType.ALLOW],
    [args['deny-principal'], hostsOf(args['deny-host'], args.host), AclPermissionType.DENY],
  ];
  for (const pattern of patterns) {
    for (const operation of operationsFor(args, pattern.resourceType)) {
      for (const [principals, hosts, permissionType] of grants) {
        for (const principal of principals) {
          if (!principal.includes(':')) throw new AclUsageError(`principal "${principal}" must be TYPE:NAME, e.g. User:alice`);
          for (const host of hosts) bindings.push({ pattern: { ...pattern }, entry: { principal, host, operation, permissionType } });
        }
      }
    }
  }
  return bindings;
}

/**
 * The filters of `list` and `remove`. No resource: every resource; no principal: every principal (and for remove,
 * every ACL of the resource, as kafka-acls.sh --remove without principals).
 */
export function filtersOf(args: AclArgs): AclBindingFilter[] {
  const patterns = resourcePatterns(args, false);
  const resources = patterns.length > 0 ? patterns : [{ resourceType: ResourceType.ANY, name: null, patternType: PatternType.ANY }];
  const principals: [string | null, number][] = [
    ...args['allow-principal'].map((p): [string, number] => [p, AclPermissionType.ALLOW]),
    ...args['deny-principal'].map((p): [string, number] => [p, AclPermissionType.DENY]),
    ...args.principal.map((p): [string, number] => [p, AclPermissionType.ANY]),
  ];
  const who = principals.length > 0 ? principals : [[null, AclPermissionType.ANY] as [null, number]];
  const hosts = args.host.length > 0 ? args.host : [null];
  const filters: AclBindingFilter[] = [];
  for (const pattern of resources) {
    const operations = args.operation.length > 0 || args.producer || args.consumer ? operationsFor(args, pattern.resourceType) : [AclOperation.ANY];
    for (const [principal, permissionType] of who) {
      for (const host of hosts) for (const operation of operations) filters.push({ pattern, entry: { principal, host, operation, permissionType } });
    }
  }
  return filters;
}

/** kafka-acls.sh's listing: each resource pattern, then its ACLs. */
export function formatAcls(bindings: AclBinding[]): string {
  const byResource = new Map<string, AclBinding[]>();
  for (const b of bindings) {
    const key = `ResourcePattern(resourceType=${aclName(ResourceType, b.pattern.resourceType)}, name=${b.pattern.name}, patternType=${aclName(PatternType, b.pattern.patternType)})`;
    byResource.set(key, [...(byResource.get(key) ?? []), b]);
  }
  return [...byResource]
    .map(([resource, acls]) =>
      [`Current ACLs for resource \`${resource}\`:`, ...acls.map(({ entry: e }) => `\t(principal=${e.principal}, host=${e.host}, operation=${aclName(AclOperation, e.operation)}, permissionType=${aclName(AclPermissionType, e.permissionType)})`)].join('\n'),
    )
    .join('\n\n');
}

/** A binding as `--json` prints it: Kafka's names. */
export const bindingJson = namedBinding;
