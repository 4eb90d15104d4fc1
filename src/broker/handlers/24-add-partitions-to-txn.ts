import { addPartitionsToTxnRequestSchema, addPartitionsToTxnResponseSchema, AddPartitionsToTxnRequestAddPartitionsToTxnTopic } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import type { BrokerState } from '../broker-state';
import type { TopicPartitionRef } from '../../ports/transaction-coordinator';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowed, allowedNames, clusterAllowed, ResourceType } from './authorize';
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
 * One transaction's partitions, as Kafka: without WRITE on the transactional id every partition fails with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED; partitions of topics the caller may not WRITE fail with
 * TOPIC_AUTHORIZATION_FAILED, those that do not exist with UNKNOWN_TOPIC_OR_PARTITION, and then the rest with
 * OPERATION_NOT_ATTEMPTED; otherwise all are added (or, with verifyOnly, checked) together.
 */
function addOne(context: RequestContext, transactionalId: string, producerId: number, producerEpoch: number, topics: Topics, verifyOnly: boolean): TopicResult[] {
  const { broker, apiVersion } = context;
  if (!allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId)) return resultsOf(topics, () => KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
  const writable = allowedNames(context, AclOperation.WRITE, ResourceType.TOPIC, topics.map((t) => t.name));
  const partitions: TopicPartitionRef[] = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const failed = new Map<string, number>();
  for (const p of partitions) {
    if (!writable.has(p.topic)) failed.set(`${p.partition}:${p.topic}`, KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code);
    else if (!exists(broker, p.topic, p.partition)) failed.set(`${p.partition}:${p.topic}`, KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code);
  }
  if (failed.size > 0) return resultsOf(topics, (topic, p) => failed.get(`${p}:${topic}`) ?? KafkaErrors.OPERATION_NOT_ATTEMPTED.code);
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
  handle(request, context) {
    const { apiVersion } = context;
    if (apiVersion <= 3) {
      const results = addOne(context, request.v3AndBelowTransactionalId ?? '', request.v3AndBelowProducerId ?? -1, request.v3AndBelowProducerEpoch ?? -1, request.v3AndBelowTopics ?? [], false);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    // The batched versions are broker-to-broker in Kafka: CLUSTER_ACTION on the cluster.
    if (!clusterAllowed(context, AclOperation.CLUSTER_ACTION)) return { throttleTimeMs: 0, errorCode: KafkaErrors.CLUSTER_AUTHORIZATION_FAILED.code, resultsByTransaction: [] };
    const resultsByTransaction = (request.transactions ?? []).map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: addOne(context, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly ?? false),
    }));
    return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction };
  },
});
