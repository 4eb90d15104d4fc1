// Generated from Kafka's DescribeLogDirsRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeLogDirsRequest {
  /** Each topic that we want to describe log directories for, or null for all topics. */
  topics: DescribeLogDirsRequestDescribableLogDirTopic[] | null;
}

export interface DescribeLogDirsRequestDescribableLogDirTopic {
  /** The topic name */
  topic: string;
  /** The partition indexes. */
  partitions: number[];
}

const describeLogDirsRequestDescribableLogDirTopicFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [0, 4] },
  { name: 'partitions', kind: 'array', elementKind: 'int32', versions: [0, 4] },
];

export const describeLogDirsRequestSchema: MessageSchema<DescribeLogDirsRequest> = {
  name: 'DescribeLogDirsRequest',
  apiKey: 35,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], nullableVersions: [0, 4], fields: describeLogDirsRequestDescribableLogDirTopicFields },
  ],
};
