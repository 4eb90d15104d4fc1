import { offsetForLeaderEpochRequestSchema, offsetForLeaderEpochResponseSchema } from '../../protocol/generated';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { AclOperation, allowedNames, ResourceType } from './authorize';
import { KafkaErrors } from '../../protocol/error-codes';
import { LEADER_EPOCH, checkCurrentLeaderEpoch } from './leader-epoch';

const UNDEFINED_EPOCH = -1;
const UNDEFINED_EPOCH_OFFSET = -1;

/**
 * One epoch (0) covers every partition's whole log, so epoch 0 ends at the log end offset; any other
 * epoch is unknown (Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET, without an error).
 */
export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  request: offsetForLeaderEpochRequestSchema,
  response: offsetForLeaderEpochResponseSchema,
  handle(request, context) {
    const { broker } = context;
    const describable = allowedNames(context, AclOperation.DESCRIBE, ResourceType.TOPIC, request.topics.map((t) => t.topic));
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        topic: topic.topic,
        partitions: topic.partitions.map((p) => {
          if (!describable.has(topic.topic)) {
            return { errorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
          }
          try {
            const log = broker.stores.partitions.partition(topic.topic, p.partition);
            checkCurrentLeaderEpoch(p.currentLeaderEpoch, topic.topic, p.partition);
            const known = p.leaderEpoch === LEADER_EPOCH;
            return {
              errorCode: 0,
              partition: p.partition,
              leaderEpoch: known ? LEADER_EPOCH : UNDEFINED_EPOCH,
              endOffset: known ? log.logEndOffset : UNDEFINED_EPOCH_OFFSET,
            };
          } catch (error) {
            return { errorCode: errorOf(error).code, partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
          }
        }),
      })),
    };
  },
});
