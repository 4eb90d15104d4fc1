import type { GroupStore } from '../ports/group-store';
import type { TransactionalOffsetSink } from '../ports/transaction-coordinator';

/** Committed transactional offsets go to the group store, as OffsetCommit's do (metadata null is stored as "", as Kafka does). */
export function groupStoreOffsetSink(store: GroupStore, now: () => number = Date.now): TransactionalOffsetSink {
  return {
    commitOffsets: (groupId, offsets) =>
      store.commitOffsets(groupId, offsets.map((o) => ({
        topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestamp: now(), expireTimestamp: null,
      }))),
  };
}
