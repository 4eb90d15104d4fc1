import { describeTransactionsRequestSchema, describeTransactionsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { TopicPartitionRef } from '../../ports/transaction-coordinator';
import { defineHandler } from './handler';
import { AclOperation, allowed, allowedNames, ResourceType } from './authorize';

function byTopic(partitions: TopicPartitionRef[]): { topic: string; partitions: number[] }[] {
  const topics = new Map<string, number[]>();
  for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
  return [...topics].map(([topic, list]) => ({ topic, partitions: list }));
}

export const describeTransactionsHandler = defineHandler({
  apiKey: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  request: describeTransactionsRequestSchema,
  response: describeTransactionsResponseSchema,
  handle(request, context) {
    const { broker } = context;
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        const refused = !allowed(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id);
        const txn = refused ? undefined : broker.stores.transactions.describeTransaction(id);
        if (!txn) {
          const errorCode = (refused ? KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : KafkaErrors.TRANSACTIONAL_ID_NOT_FOUND).code;
          return { errorCode, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
        }
        // As KafkaApis: partitions of topics the caller may not DESCRIBE are left out.
        const describable = allowedNames(context, AclOperation.DESCRIBE, ResourceType.TOPIC, txn.partitions.map((p) => p.topic), false);
        return {
          errorCode: 0, transactionalId: id, transactionState: txn.state, transactionTimeoutMs: txn.timeoutMs, transactionStartTimeMs: txn.startTimeMs,
          producerId: txn.producerId, producerEpoch: txn.producerEpoch, topics: byTopic(txn.partitions.filter((p) => describable.has(p.topic))),
        };
      }),
    };
  },
});
