// Generated from Kafka's MetadataRequest.json by scripts/generate-protocol.ts (versions 0-8).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface MetadataRequest {
  /** The topics to fetch metadata for. */
  topics: MetadataRequestMetadataRequestTopic[] | null;
  /** If this is true, the broker may auto-create topics that we requested which do not already exist, if it is configured to do so. (v4-8) */
  allowAutoTopicCreation?: boolean;
  /** Whether to include cluster authorized operations. (v8 only) */
  includeClusterAuthorizedOperations?: boolean;
  /** Whether to include topic authorized operations. (v8 only) */
  includeTopicAuthorizedOperations?: boolean;
}

export interface MetadataRequestMetadataRequestTopic {
  /** The topic name. */
  name: string;
}

const metadataRequestMetadataRequestTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 8] },
];

export const metadataRequestSchema: MessageSchema<MetadataRequest> = {
  name: 'MetadataRequest',
  apiKey: 3,
  type: 'request',
  versions: [0, 8],
  firstFlexibleVersion: 9,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 8], nullableVersions: [1, 8], fields: metadataRequestMetadataRequestTopicFields },
    { name: 'allowAutoTopicCreation', kind: 'bool', versions: [4, 8], default: true },
    { name: 'includeClusterAuthorizedOperations', kind: 'bool', versions: [8, 8] },
    { name: 'includeTopicAuthorizedOperations', kind: 'bool', versions: [8, 8] },
  ],
};
