// Kafka's ACL vocabulary with its wire codes (org.apache.kafka.common.acl.AclOperation, AclPermissionType,
// org.apache.kafka.common.resource.ResourceType, PatternType): what CreateAcls, DescribeAcls and DeleteAcls carry.

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

/** The one name a CLUSTER resource may have (Kafka's Resource.CLUSTER_NAME). */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL resource name, principal or host matching every value (Kafka's WILDCARD_RESOURCE and friends). */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

/** Kafka's name of a code in one of the tables above ("READ"), or "UNKNOWN". */
export function aclName(table: Readonly<Record<string, number>>, code: number): string {
  return Object.keys(table).find((name) => table[name] === code) ?? 'UNKNOWN';
}

/**
 * A code from its name, as Kafka's `fromString` reads one: case-insensitive, `_` optional, so "Read",
 * "describe-configs", "DescribeConfigs" and "DESCRIBE_CONFIGS" all name one operation. UNKNOWN when none matches.
 */
export function aclCode(table: Readonly<Record<string, number>>, name: string): number {
  const wanted = name.replace(/[-_]/g, '').toUpperCase();
  const found = Object.keys(table).find((key) => key.replace(/_/g, '') === wanted);
  return found === undefined ? 0 : table[found];
}
