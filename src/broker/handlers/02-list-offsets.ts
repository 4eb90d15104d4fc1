import { listOffsetsRequestSchema, listOffsetsResponseSchema, ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/generated';
import type { StoredPartition, TimestampAndOffset } from '../../ports/partition-store';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { LEADER_EPOCH, checkCurrentLeaderEpoch } from './leader-epoch';
import { READ_COMMITTED } from './fetch-isolation';
import { AclOperation, allowed, ResourceType } from './authorize';
import { KafkaErrors } from '../../protocol/error-codes';

// Kafka's ListOffsetsRequest special timestamps.
const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3; // v7+ (KIP-734)
const EARLIEST_LOCAL = -4; // v8+ (KIP-405): with no tiered storage, the log start
const LATEST_TIERED = -5; // v9+ (KIP-1005): nothing is tiered, so -1

type Partition = ListOffsetsRequest['topics'][number]['partitions'][number];
type PartitionResponse = ListOffsetsResponse['topics'][number]['partitions'][number];

const NOT_FOUND = { timestamp: -1, offset: -1, leaderEpoch: -1 };

function lookup(log: StoredPartition, timestamp: number, isolationLevel: number | undefined): { timestamp: number; offset: number; leaderEpoch: number } {
  const found = (hit: TimestampAndOffset | undefined) => (hit ? { ...hit, leaderEpoch: LEADER_EPOCH } : NOT_FOUND);
  switch (timestamp) {
    case LATEST:
      // read_committed consumers start from the last stable offset (Kafka's fetchOffsetForTimestamp).
      return { timestamp: -1, offset: isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark, leaderEpoch: LEADER_EPOCH };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { timestamp: -1, offset: log.logStartOffset, leaderEpoch: LEADER_EPOCH };
    case MAX_TIMESTAMP:
      return found(log.maxTimestampOffset());
    case LATEST_TIERED:
      return NOT_FOUND;
    default:
      return found(log.offsetForTimestamp(timestamp));
  }
}

function answer(broker: BrokerState, topic: string, p: Partition, version: number, isolationLevel: number | undefined): PartitionResponse {
  const base = { partitionIndex: p.partitionIndex, oldStyleOffsets: [] as number[] };
  try {
    const log = broker.stores.partitions.partition(topic, p.partitionIndex);
    checkCurrentLeaderEpoch(p.currentLeaderEpoch, topic, p.partitionIndex);
    const result = lookup(log, p.timestamp, isolationLevel);
    // v0 answers a list of offsets; sluice gives the one offset v1+ would (none when nothing matches).
    const oldStyleOffsets = version === 0 && result.offset >= 0 && (p.maxNumOffsets ?? 1) > 0 ? [result.offset] : [];
    return { ...base, errorCode: 0, ...result, oldStyleOffsets };
  } catch (error) {
    return { ...base, errorCode: errorOf(error).code, ...NOT_FOUND };
  }
}

export const listOffsetsHandler = defineHandler({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 9,
  request: listOffsetsRequestSchema,
  response: listOffsetsResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => {
        const describable = allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name);
        return {
          name: topic.name,
          partitions: topic.partitions.map((p) =>
            describable
              ? answer(broker, topic.name, p, apiVersion, request.isolationLevel)
              : { partitionIndex: p.partitionIndex, oldStyleOffsets: [], errorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, ...NOT_FOUND },
          ),
        };
      }),
    };
  },
});
