// What Kafka answers for "authorized operations" (KIP-430) when no authorizer is configured: every operation the
// resource type supports (AclEntry.supportedOperations), as bits of AclOperation codes. Asked for and not asked for
// are told apart by Kafka's INT32_MIN ("omitted").

/** Kafka's AclOperation codes. */
const READ = 3, WRITE = 4, CREATE = 5, DELETE = 6, ALTER = 7, DESCRIBE = 8, CLUSTER_ACTION = 9, DESCRIBE_CONFIGS = 10, ALTER_CONFIGS = 11, IDEMPOTENT_WRITE = 12;

const bits = (operations: number[]) => operations.reduce((all, op) => all | (1 << op), 0);

export const OPERATIONS_OMITTED = -2147483648;
export const TOPIC_OPERATIONS = bits([READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS]);
export const CLUSTER_OPERATIONS = bits([CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE]);
export const GROUP_OPERATIONS = bits([READ, DELETE, DESCRIBE]);

/** The operations, or Kafka's "omitted" when the request did not ask. */
export function authorizedOperations(asked: boolean | undefined, operations: number): number {
  return asked ? operations : OPERATIONS_OMITTED;
}
