// Generated from Kafka's DeleteTopicsRequest.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface DeleteTopicsRequest {
  /** The names of the topics to delete */
  topicNames: string[];
  /** The length of time in milliseconds to wait for the deletions to complete. */
  timeoutMs: number;
}

export const deleteTopicsRequestSchema: MessageSchema<DeleteTopicsRequest> = {
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  type: 'request',
  versions: [0, 3],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'topicNames', kind: 'array', elementKind: 'string', versions: [0, 3] },
    { name: 'timeoutMs', kind: 'int32', versions: [0, 3] },
  ],
};
