// The one door handlers use to ask the authorizer (KafkaApis' AuthHelper): may this connection's principal do an
// operation on a resource, and which operations may it do (KIP-430's authorized-operations bitfields).
import { AclOperation as Op, CLUSTER_NAME, ResourceType } from '../../protocol/acl-types';
import type { Requester } from '../../ports/authorizer';
import type { RequestContext } from './handler';

export { AclOperation, ResourceType } from '../../protocol/acl-types';

/** Kafka's INT32_MIN: authorized operations not asked for. */
export const OPERATIONS_OMITTED = -2147483648;

/** The operations each resource type supports (Kafka's AclEntry.supportedOperations). */
const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly number[]>> = {
  [ResourceType.TOPIC]: [Op.READ, Op.WRITE, Op.CREATE, Op.DESCRIBE, Op.DELETE, Op.ALTER, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS],
  [ResourceType.GROUP]: [Op.READ, Op.DESCRIBE, Op.DELETE],
  [ResourceType.CLUSTER]: [Op.CREATE, Op.CLUSTER_ACTION, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.IDEMPOTENT_WRITE, Op.ALTER, Op.DESCRIBE],
  [ResourceType.TRANSACTIONAL_ID]: [Op.DESCRIBE, Op.WRITE],
  [ResourceType.DELEGATION_TOKEN]: [Op.DESCRIBE],
};

/** The connection's principal and its address without Java's leading slash, as ACL hosts name it. */
export function requesterOf(context: RequestContext): Requester {
  return { principal: context.session.principal, host: context.clientHost.replace(/^\//, '') };
}

/** Whether the caller may do `operation` on the resource; a refusal is logged unless `logIfDenied` is false. */
export function allowed(context: RequestContext, operation: number, resourceType: number, resourceName: string, logIfDenied = true): boolean {
  return context.broker.stores.authorizer.authorize(requesterOf(context), { operation, resourceType, resourceName, logIfDenied });
}

export function clusterAllowed(context: RequestContext, operation: number, logIfDenied = true): boolean {
  return allowed(context, operation, ResourceType.CLUSTER, CLUSTER_NAME, logIfDenied);
}

/** Whether the caller may do `operation` on some resource of the type (Kafka's authorizeByResourceType). */
export function allowedOnSome(context: RequestContext, operation: number, resourceType: number): boolean {
  return context.broker.stores.authorizer.authorizeByResourceType(requesterOf(context), operation, resourceType);
}

/** The names the caller may do `operation` on, in order (Kafka's filterByAuthorized). */
export function allowedNames(context: RequestContext, operation: number, resourceType: number, names: Iterable<string>, logIfDenied = true): Set<string> {
  const result = new Set<string>();
  for (const name of names) if (!result.has(name) && allowed(context, operation, resourceType, name, logIfDenied)) result.add(name);
  return result;
}

/** KIP-430's bitfield of the operations the caller may do on the resource, or OPERATIONS_OMITTED when not asked. */
export function authorizedOperations(context: RequestContext, asked: boolean | undefined, resourceType: number, resourceName: string): number {
  if (!asked) return OPERATIONS_OMITTED;
  return (SUPPORTED_OPERATIONS[resourceType] ?? []).reduce((bits, op) => (allowed(context, op, resourceType, resourceName, false) ? bits | (1 << op) : bits), 0);
}
