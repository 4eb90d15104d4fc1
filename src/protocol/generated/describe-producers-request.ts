// Generated from Kafka's DescribeProducersRequest.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeProducersRequest {
  topics: DescribeProducersRequestTopicRequest[];
}

export interface DescribeProducersRequestTopicRequest {
  /** The topic name. */
  name: string;
  /** The indexes of the partitions to list producers for. */
  partitionIndexes: number[];
}

const describeProducersRequestTopicRequestFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 0] },
  { name: 'partitionIndexes', kind: 'array', elementKind: 'int32', versions: [0, 0] },
];

export const describeProducersRequestSchema: MessageSchema<DescribeProducersRequest> = {
  name: 'DescribeProducersRequest',
  apiKey: 61,
  type: 'request',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeProducersRequestTopicRequestFields },
  ],
};
