import { describeProducersRequestSchema, describeProducersResponseSchema } from '../../protocol/generated';
import { defineHandler } from './handler';
import { errorOf } from './errors';
import { AclOperation, allowed, ResourceType } from './authorize';
import { KafkaErrors } from '../../protocol/error-codes';

export const describeProducersHandler = defineHandler({
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  request: describeProducersRequestSchema,
  response: describeProducersResponseSchema,
  handle(request, context) {
    const { broker } = context;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const readable = allowed(context, AclOperation.READ, ResourceType.TOPIC, t.name);
        const partitions = t.partitionIndexes.map((partitionIndex) => {
          if (!readable) return { partitionIndex, errorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, errorMessage: null, activeProducers: [] };
          try {
            const activeProducers = broker.stores.partitions.partition(t.name, partitionIndex).activeProducers();
            return { partitionIndex, errorCode: 0, errorMessage: null, activeProducers };
          } catch (error) {
            const { code, message } = errorOf(error);
            return { partitionIndex, errorCode: code, errorMessage: message, activeProducers: [] };
          }
        });
        return { name: t.name, partitions };
      }),
    };
  },
});
