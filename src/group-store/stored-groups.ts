import type { CommittedOffset, StoredGroup, TopicPartitionRef } from '../ports/group-store';

/** One change to the stored state: the unit a GroupStore writes, and replays on open. */
export type GroupChange =
  | { kind: 'group'; group: StoredGroup }
  | { kind: 'offsets'; groupId: string; offsets: CommittedOffset[] }
  | { kind: 'delete-offsets'; groupId: string; partitions: TopicPartitionRef[] }
  | { kind: 'delete-group'; groupId: string };

interface Entry {
  group?: StoredGroup;
  offsets: Map<string, CommittedOffset>;
}

const key = (topic: string, partition: number) => `${partition}:${topic}`;

/**
 * The state a GroupStore holds in memory, built by applying changes in order: the durable store
 * replays its file into one, the in-memory twin in the tests uses one directly.
 */
export class StoredGroups {
  private readonly entries = new Map<string, Entry>();

  apply(change: GroupChange): void {
    switch (change.kind) {
      case 'group':
        this.entry(change.group.groupId).group = change.group;
        break;
      case 'offsets': {
        const offsets = this.entry(change.groupId).offsets;
        for (const offset of change.offsets) offsets.set(key(offset.topic, offset.partition), offset);
        break;
      }
      case 'delete-offsets': {
        const entry = this.entries.get(change.groupId);
        if (!entry) break;
        for (const p of change.partitions) entry.offsets.delete(key(p.topic, p.partition));
        this.dropIfEmpty(change.groupId, entry);
        break;
      }
      case 'delete-group':
        this.entries.delete(change.groupId);
        break;
    }
  }

  groupIds(): string[] {
    return [...this.entries.keys()];
  }

  group(groupId: string): StoredGroup | undefined {
    return this.entries.get(groupId)?.group;
  }

  offsets(groupId: string): CommittedOffset[] {
    return [...(this.entries.get(groupId)?.offsets.values() ?? [])];
  }

  offset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.entries.get(groupId)?.offsets.get(key(topic, partition));
  }

  /** How many changes rewrite the whole state (one per group's metadata, one per group's offsets). */
  get liveChangeCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) count += (entry.group ? 1 : 0) + (entry.offsets.size > 0 ? 1 : 0);
    return count;
  }

  /** The fewest changes that rebuild this state (what a compaction writes). */
  *snapshot(): Generator<GroupChange> {
    for (const [groupId, entry] of this.entries) {
      if (entry.group) yield { kind: 'group', group: entry.group };
      if (entry.offsets.size > 0) yield { kind: 'offsets', groupId, offsets: [...entry.offsets.values()] };
    }
  }

  private entry(groupId: string): Entry {
    let entry = this.entries.get(groupId);
    if (!entry) {
      entry = { offsets: new Map() };
      this.entries.set(groupId, entry);
    }
    return entry;
  }

  private dropIfEmpty(groupId: string, entry: Entry): void {
    if (!entry.group && entry.offsets.size === 0) this.entries.delete(groupId);
  }
}
