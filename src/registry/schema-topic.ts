/** Confluent's kafkastore.topic and the configs sluice creates it with. */
export const SCHEMAS_TOPIC = '_schemas';

/**
 * Compacted like Confluent's, one partition (the order of writes is the registry's history). flush.messages=1 makes
 * every write reach the disk before it is acknowledged, on a sluice broker as on any Kafka cluster.
 */
export const SCHEMAS_TOPIC_CONFIG: Record<string, string> = {
  'cleanup.policy': 'compact',
  'flush.messages': '1',
};
