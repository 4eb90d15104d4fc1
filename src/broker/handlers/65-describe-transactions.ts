import { describeTransactionsRequestSchema, describeTransactionsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { TopicPartitionRef } from '../../ports/transaction-coordinator';
import { defineHandler } from './handler';

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
  handle(request, { broker }) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        const txn = broker.stores.transactions.describeTransaction(id);
        if (!txn) {
          return { errorCode: KafkaErrors.TRANSACTIONAL_ID_NOT_FOUND.code, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
        }
        return {
          errorCode: 0, transactionalId: id, transactionState: txn.state, transactionTimeoutMs: txn.timeoutMs, transactionStartTimeMs: txn.startTimeMs,
          producerId: txn.producerId, producerEpoch: txn.producerEpoch, topics: byTopic(txn.partitions),
        };
      }),
    };
  },
});
