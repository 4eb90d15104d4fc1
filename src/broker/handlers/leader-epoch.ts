import { KafkaError } from '../../protocol/error-codes';

/** Every partition's leader epoch: one broker, never an election. */
export const LEADER_EPOCH = 0;

/** Kafka's fencing of a request's current leader epoch (-1: not given, no check). */
export function checkCurrentLeaderEpoch(currentLeaderEpoch: number | undefined, topic: string, partition: number): void {
  if (currentLeaderEpoch === undefined || currentLeaderEpoch === -1 || currentLeaderEpoch === LEADER_EPOCH) return;
  if (currentLeaderEpoch > LEADER_EPOCH) {
    throw new KafkaError('UNKNOWN_LEADER_EPOCH', `leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is newer than the broker's ${LEADER_EPOCH}`);
  }
  throw new KafkaError('FENCED_LEADER_EPOCH', `leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is older than the broker's ${LEADER_EPOCH}`);
}
