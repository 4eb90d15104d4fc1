import { deleteRecordsRequestSchema, deleteRecordsResponseSchema } from '../../protocol/generated';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { AclOperation, allowed, ResourceType } from './authorize';
import { KafkaErrors } from '../../protocol/error-codes';

/** Offset -1 deletes up to the high watermark, as Kafka's DeleteRecordsRequest.HIGH_WATERMARK. */
export const deleteRecordsHandler = defineHandler({
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  request: deleteRecordsRequestSchema,
  response: deleteRecordsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => {
        const deletable = allowed(context, AclOperation.DELETE, ResourceType.TOPIC, topic.name);
        const partitions = topic.partitions.map((p) => {
          if (!deletable) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code };
          try {
            const lowWatermark = broker.stores.partitions.deleteRecords(topic.name, p.partitionIndex, p.offset);
            return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: 0 };
          } catch (error) {
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: errorOf(error).code };
          }
        });
        return { name: topic.name, partitions };
      }),
    };
  },
});
