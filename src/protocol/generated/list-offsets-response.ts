// Generated from Kafka's ListOffsetsResponse.json by scripts/generate-protocol.ts (versions 0-10).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ListOffsetsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2-10) */
  throttleTimeMs?: number;
  /** Each topic in the response. */
  topics: ListOffsetsResponseListOffsetsTopicResponse[];
}

export interface ListOffsetsResponseListOffsetsTopicResponse {
  /** The topic name */
  name: string;
  /** Each partition in the response. */
  partitions: ListOffsetsResponseListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponseListOffsetsPartitionResponse {
  /** The partition index. */
  partitionIndex: number;
  /** The partition error code, or 0 if there was no error. */
  errorCode: number;
  /** The result offsets. (v0 only) */
  oldStyleOffsets?: number[];
  /** The timestamp associated with the returned offset. (v1-10) */
  timestamp?: number;
  /** The returned offset. (v1-10) */
  offset?: number;
  /** (v4-10) */
  leaderEpoch?: number;
}

const listOffsetsResponseListOffsetsPartitionResponseFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 10] },
  { name: 'errorCode', kind: 'int16', versions: [0, 10] },
  { name: 'oldStyleOffsets', kind: 'array', elementKind: 'int64', versions: [0, 0] },
  { name: 'timestamp', kind: 'int64', versions: [1, 10], default: -1 },
  { name: 'offset', kind: 'int64', versions: [1, 10], default: -1 },
  { name: 'leaderEpoch', kind: 'int32', versions: [4, 10], default: -1 },
];

const listOffsetsResponseListOffsetsTopicResponseFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 10] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 10], fields: listOffsetsResponseListOffsetsPartitionResponseFields },
];

export const listOffsetsResponseSchema: MessageSchema<ListOffsetsResponse> = {
  name: 'ListOffsetsResponse',
  apiKey: 2,
  type: 'response',
  versions: [0, 10],
  firstFlexibleVersion: 6,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [2, 10] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 10], fields: listOffsetsResponseListOffsetsTopicResponseFields },
  ],
};
