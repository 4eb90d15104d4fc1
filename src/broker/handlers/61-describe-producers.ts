import { describeProducersRequestSchema, describeProducersResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { errorOf } from './errors';

export const describeProducersHandler = defineHandler({
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  request: describeProducersRequestSchema,
  response: describeProducersResponseSchema,
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          try {
            const activeProducers = broker.stores.partitions.partition(t.name, partitionIndex).activeProducers();
            return { partitionIndex, errorCode: 0, errorMessage: null, activeProducers };
          } catch (error) {
            const { code, message } = errorOf(error);
            return { partitionIndex, errorCode: code, errorMessage: message, activeProducers: [] };
          }
        }),
      })),
    };
  },
});
