// Generated from Kafka's CreatePartitionsRequest.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreatePartitionsRequest {
  /** Each topic that we want to create new partitions inside. */
  topics: CreatePartitionsRequestCreatePartitionsTopic[];
  /** The time in ms to wait for the partitions to be created. */
  timeoutMs: number;
  /** If true, then validate the request, but don't actually increase the number of partitions. */
  validateOnly: boolean;
}

export interface CreatePartitionsRequestCreatePartitionsTopic {
  /** The topic name. */
  name: string;
  /** The new partition count. */
  count: number;
  /** The new partition assignments. */
  assignments: CreatePartitionsRequestCreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsRequestCreatePartitionsAssignment {
  /** The assigned broker IDs. */
  brokerIds: number[];
}

const createPartitionsRequestCreatePartitionsAssignmentFields: readonly FieldSchema[] = [
  { name: 'brokerIds', kind: 'array', elementKind: 'int32', versions: [0, 3] },
];

const createPartitionsRequestCreatePartitionsTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 3] },
  { name: 'count', kind: 'int32', versions: [0, 3] },
  { name: 'assignments', kind: 'array', elementKind: 'struct', versions: [0, 3], nullableVersions: [0, 3], fields: createPartitionsRequestCreatePartitionsAssignmentFields },
];

export const createPartitionsRequestSchema: MessageSchema<CreatePartitionsRequest> = {
  name: 'CreatePartitionsRequest',
  apiKey: 37,
  type: 'request',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: createPartitionsRequestCreatePartitionsTopicFields },
    { name: 'timeoutMs', kind: 'int32', versions: [0, 3] },
    { name: 'validateOnly', kind: 'bool', versions: [0, 3] },
  ],
};
