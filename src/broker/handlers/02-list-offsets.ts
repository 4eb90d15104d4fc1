import { listOffsetsRequestSchema, listOffsetsResponseSchema } from '../../protocol/generated';
import { errorOf } from './errors';
import { defineHandler } from './handler';

const LATEST = -1;
const EARLIEST = -2;

export const listOffsetsHandler = defineHandler({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 5,
  request: listOffsetsRequestSchema,
  response: listOffsetsResponseSchema,
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => {
          const base = { partitionIndex: p.partitionIndex, oldStyleOffsets: [], leaderEpoch: 0 };
          try {
            const log = broker.stores.partitions.partition(topic.name, p.partitionIndex);
            if (p.timestamp === LATEST) return { ...base, errorCode: 0, timestamp: -1, offset: request.isolationLevel === 1 ? log.lastStableOffset : log.highWatermark };
            if (p.timestamp === EARLIEST) return { ...base, errorCode: 0, timestamp: -1, offset: log.logStartOffset };
            const found = log.offsetForTimestamp(p.timestamp);
            return { ...base, errorCode: 0, timestamp: found?.timestamp ?? -1, offset: found?.offset ?? -1 };
          } catch (error) {
            return { ...base, errorCode: errorOf(error).code, timestamp: -1, offset: -1, leaderEpoch: -1 };
          }
        }),
      })),
    };
  },
});
