// Kafka's isolation.level: what a consumer may read of a partition holding transactions.

export const ISOLATION_LEVELS = ['read_committed', 'read_uncommitted'] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/** The isolation_level field of Fetch and ListOffsets: 0 READ_UNCOMMITTED, 1 READ_COMMITTED. */
export function isolationLevelId(level: IsolationLevel): 0 | 1 {
  return level === 'read_committed' ? 1 : 0;
}
