// The durable state of consumer groups: what Kafka keeps in __consumer_offsets.
// The coordinator (src/groups/) owns membership, timers and rebalances; this port only
// remembers, across restarts, the last stable generation of each group and its committed offsets.

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** One committed offset, as Kafka's OffsetAndMetadata. */
export interface CommittedOffset extends TopicPartitionRef {
  offset: number;
  /** The leader epoch the client saw at that offset, or -1 when it sent none. */
  leaderEpoch: number;
  /** The client's metadata string ("" when it sent none or null, as Kafka stores it). */
  metadata: string;
  commitTimestamp: number;
  /** Only OffsetCommit v2–v4 with a retention time set one; otherwise offsets.retention.minutes applies. */
  expireTimestamp: number | null;
}

/** A member as the group's last generation had it (Kafka's GroupMetadataValue member). */
export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** The member's metadata for the group's selected protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

/** A group's generation: written when it becomes stable, when it becomes empty, when a static member is replaced. */
export interface StoredGroup {
  groupId: string;
  protocolType: string;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  /** When the group entered its current state (the base of offset expiry for an empty group). */
  stateTimestamp: number;
  members: StoredMember[];
}

/**
 * Group metadata and committed offsets. Reads answer from memory at once; a write is applied
 * in memory when the call returns (so the next read sees it) and its promise resolves once
 * it is on disk. A write that fails before it is applied throws and changes nothing.
 */
export interface GroupStore {
  /** Every group with stored metadata or at least one committed offset. */
  groupIds(): string[];
  group(groupId: string): StoredGroup | undefined;
  offsets(groupId: string): CommittedOffset[];
  offset(groupId: string, topic: string, partition: number): CommittedOffset | undefined;
  saveGroup(group: StoredGroup): Promise<void>;
  /**
   * Stores `offsets` for `groupId` as given, creating the group's offsets if it had none. No member
   * or generation check: the coordinator does that for OffsetCommit; the transaction coordinator
   * calls this when a transaction with TxnOffsetCommit commits.
   */
  commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void>;
  /** Removes the named offsets; those not stored are ignored. */
  deleteOffsets(groupId: string, partitions: TopicPartitionRef[]): Promise<void>;
  /** Removes the group's metadata and all its offsets. */
  deleteGroup(groupId: string): Promise<void>;
  close(): void;
}
