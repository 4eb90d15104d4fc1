// Generated from Kafka's DeleteTopicsRequest.json by scripts/generate-protocol.ts (versions 0-6).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteTopicsRequest {
  /** The name or topic ID of the topic (v6 only) */
  topics?: DeleteTopicsRequestDeleteTopicState[];
  /** The names of the topics to delete (v0-5) */
  topicNames?: string[];
  /** The length of time in milliseconds to wait for the deletions to complete. */
  timeoutMs: number;
}

export interface DeleteTopicsRequestDeleteTopicState {
  /** The topic name */
  name?: string | null;
  /** The unique topic ID */
  topicId: Buffer;
}

const deleteTopicsRequestDeleteTopicStateFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [6, 6], nullableVersions: [6, 6], default: null },
  { name: 'topicId', kind: 'uuid', versions: [6, 6] },
];

export const deleteTopicsRequestSchema: MessageSchema<DeleteTopicsRequest> = {
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  type: 'request',
  versions: [0, 6],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [6, 6], fields: deleteTopicsRequestDeleteTopicStateFields },
    { name: 'topicNames', kind: 'array', elementKind: 'string', versions: [0, 5] },
    { name: 'timeoutMs', kind: 'int32', versions: [0, 6] },
  ],
};
