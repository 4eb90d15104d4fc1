// Generated from Kafka's ListOffsetsRequest.json by scripts/generate-protocol.ts (versions 0-10).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ListOffsetsRequest {
  /** The broker ID of the requester, or -1 if this request is being made by a normal consumer. */
  replicaId: number;
  /** This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records (v2-10) */
  isolationLevel?: number;
  /** Each topic in the request. */
  topics: ListOffsetsRequestListOffsetsTopic[];
  /** The timeout to await a response in milliseconds for requests that require reading from remote storage for topics enabled with tiered storage. (v10 only) */
  timeoutMs?: number;
}

export interface ListOffsetsRequestListOffsetsTopic {
  /** The topic name. */
  name: string;
  /** Each partition in the request. */
  partitions: ListOffsetsRequestListOffsetsPartition[];
}

export interface ListOffsetsRequestListOffsetsPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The current leader epoch. (v4-10) */
  currentLeaderEpoch?: number;
  /** The current timestamp. */
  timestamp: number;
  /** The maximum number of offsets to report. (v0 only) */
  maxNumOffsets?: number;
}

const listOffsetsRequestListOffsetsPartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 10] },
  { name: 'currentLeaderEpoch', kind: 'int32', versions: [4, 10], default: -1 },
  { name: 'timestamp', kind: 'int64', versions: [0, 10] },
  { name: 'maxNumOffsets', kind: 'int32', versions: [0, 0], default: 1 },
];

const listOffsetsRequestListOffsetsTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 10] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 10], fields: listOffsetsRequestListOffsetsPartitionFields },
];

export const listOffsetsRequestSchema: MessageSchema<ListOffsetsRequest> = {
  name: 'ListOffsetsRequest',
  apiKey: 2,
  type: 'request',
  versions: [0, 10],
  firstFlexibleVersion: 6,
  fields: [
    { name: 'replicaId', kind: 'int32', versions: [0, 10] },
    { name: 'isolationLevel', kind: 'int8', versions: [2, 10] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 10], fields: listOffsetsRequestListOffsetsTopicFields },
    { name: 'timeoutMs', kind: 'int32', versions: [10, 10] },
  ],
};
