import { addPartitionsToTxnRequestSchema, addPartitionsToTxnResponseSchema, AddPartitionsToTxnRequestAddPartitionsToTxnTopic } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import type { TopicPartitionRef } from '../../ports/transaction-coordinator';
import { defineHandler } from './handler';
import { txnErrorCode } from './txn-errors';

const FIRST_VERSION_WITH_PRODUCER_FENCED = 2;
type Topics = AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
type TopicResult = { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] };

function resultsOf(topics: Topics, codeFor: (topic: string, partition: number) => number): TopicResult[] {
  return topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeFor(t.name, p) })) }));
}

function exists(broker: BrokerState, topic: string, partition: number): boolean {
  const store = broker.stores.partitions;
  return store.hasTopic(topic) && partition >= 0 && partition < store.describeTopic(topic).partitions;
}

/**
 * One transaction's partitions, as Kafka: partitions that do not exist fail
 * with UNKNOWN_TOPIC_OR_PARTITION and the rest with OPERATION_NOT_ATTEMPTED;
 * otherwise all are added (or, with verifyOnly, checked) together.
 */
function addOne(broker: BrokerState, apiVersion: number, transactionalId: string, producerId: number, producerEpoch: number, topics: Topics, verifyOnly: boolean): TopicResult[] {
  const partitions: TopicPartitionRef[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const unknown = new Set(partitions.filter((p) => !exists(broker, p.topic, p.partition)).map((p) => `${p.partition}:${p.topic}`));
  if (unknown.size > 0) {
    return resultsOf(topics, (topic, p) => (unknown.has(`${p}:${topic}`) ? KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code : KafkaErrors.OPERATION_NOT_ATTEMPTED.code));
  }
  const producer = { producerId, producerEpoch };
  try {
    if (verifyOnly) {
      const coordinator = broker.stores.transactions;
      return resultsOf(topics, (topic, partition) => (coordinator.hasPartitions(transactionalId, producer, [{ topic, partition }]) ? 0 : KafkaErrors.INVALID_TXN_STATE.code));
    }
    broker.stores.transactions.addPartitions(transactionalId, producer, partitions);
    return resultsOf(topics, () => 0);
  } catch (error) {
    const code = txnErrorCode(error, apiVersion, FIRST_VERSION_WITH_PRODUCER_FENCED);
    return resultsOf(topics, () => code);
  }
}

/** v0–v3 are what producers send; v4+ batch several transactions and add verifyOnly (KIP-890), sent by brokers in Kafka. */
export const addPartitionsToTxnHandler = defineHandler({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  request: addPartitionsToTxnRequestSchema,
  response: addPartitionsToTxnResponseSchema,
  handle(request, { broker, apiVersion }) {
    if (apiVersion <= 3) {
      const results = addOne(broker, apiVersion, request.v3AndBelowTransactionalId ?? '', request.v3AndBelowProducerId ?? -1, request.v3AndBelowProducerEpoch ?? -1, request.v3AndBelowTopics ?? [], false);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    const resultsByTransaction = (request.transactions ?? []).map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: addOne(broker, apiVersion, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly ?? false),
    }));
    return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction };
  },
});
