// Generated from Kafka's DescribeLogDirsResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeLogDirsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. (v3-4) */
  errorCode?: number;
  /** The log directories. */
  results: DescribeLogDirsResponseDescribeLogDirsResult[];
}

export interface DescribeLogDirsResponseDescribeLogDirsResult {
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The absolute log directory path. */
  logDir: string;
  /** Each topic. */
  topics: DescribeLogDirsResponseDescribeLogDirsTopic[];
  /** The total size in bytes of the volume the log directory is in. (v4 only) */
  totalBytes?: number;
  /** The usable size in bytes of the volume the log directory is in. (v4 only) */
  usableBytes?: number;
}

export interface DescribeLogDirsResponseDescribeLogDirsTopic {
  /** The topic name. */
  name: string;
  partitions: DescribeLogDirsResponseDescribeLogDirsPartition[];
}

export interface DescribeLogDirsResponseDescribeLogDirsPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The size of the log segments in this partition in bytes. */
  partitionSize: number;
  /** The lag of the log's LEO w.r.t. partition's HW (if it is the current log for the partition) or current replica's LEO (if it is the future log for the partition) */
  offsetLag: number;
  /** True if this log is created by AlterReplicaLogDirsRequest and will replace the current log of the replica in the future. */
  isFutureKey: boolean;
}

const describeLogDirsResponseDescribeLogDirsPartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 4] },
  { name: 'partitionSize', kind: 'int64', versions: [0, 4] },
  { name: 'offsetLag', kind: 'int64', versions: [0, 4] },
  { name: 'isFutureKey', kind: 'bool', versions: [0, 4] },
];

const describeLogDirsResponseDescribeLogDirsTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 4] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: describeLogDirsResponseDescribeLogDirsPartitionFields },
];

const describeLogDirsResponseDescribeLogDirsResultFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 4] },
  { name: 'logDir', kind: 'string', versions: [0, 4] },
  { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: describeLogDirsResponseDescribeLogDirsTopicFields },
  { name: 'totalBytes', kind: 'int64', versions: [4, 4], default: -1 },
  { name: 'usableBytes', kind: 'int64', versions: [4, 4], default: -1 },
];

export const describeLogDirsResponseSchema: MessageSchema<DescribeLogDirsResponse> = {
  name: 'DescribeLogDirsResponse',
  apiKey: 35,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 4] },
    { name: 'errorCode', kind: 'int16', versions: [3, 4] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: describeLogDirsResponseDescribeLogDirsResultFields },
  ],
};
