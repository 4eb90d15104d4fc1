// Generated from Kafka's MetadataRequest.json by scripts/generate-protocol.ts (versions 0-12).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface MetadataRequest {
  /** The topics to fetch metadata for. */
  topics: MetadataRequestMetadataRequestTopic[] | null;
  /** If this is true, the broker may auto-create topics that we requested which do not already exist, if it is configured to do so. (v4-12) */
  allowAutoTopicCreation?: boolean;
  /** Whether to include cluster authorized operations. (v8-10) */
  includeClusterAuthorizedOperations?: boolean;
  /** Whether to include topic authorized operations. (v8-12) */
  includeTopicAuthorizedOperations?: boolean;
}

export interface MetadataRequestMetadataRequestTopic {
  /** The topic id. (v10-12) */
  topicId?: Buffer;
  /** The topic name. */
  name: string | null;
}

const metadataRequestMetadataRequestTopicFields: readonly FieldSchema[] = [
  { name: 'topicId', kind: 'uuid', versions: [10, 12] },
  { name: 'name', kind: 'string', versions: [0, 12], nullableVersions: [10, 12] },
];

export const metadataRequestSchema: MessageSchema<MetadataRequest> = {
  name: 'MetadataRequest',
  apiKey: 3,
  type: 'request',
  versions: [0, 12],
  firstFlexibleVersion: 9,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 12], nullableVersions: [1, 12], fields: metadataRequestMetadataRequestTopicFields },
    { name: 'allowAutoTopicCreation', kind: 'bool', versions: [4, 12], default: true },
    { name: 'includeClusterAuthorizedOperations', kind: 'bool', versions: [8, 10] },
    { name: 'includeTopicAuthorizedOperations', kind: 'bool', versions: [8, 12] },
  ],
};
