// @confluentinc/kafka-javascript (librdkafka underneath, through its KafkaJS-style API) against one broker:
// admin creates TOPIC with 4 partitions, an idempotent zstd producer sends COUNT keyed messages, a group member
// reads them all and commits, then admin reads the group's offsets, describes the group, deletes the records
// before offset 1 of partition 0 and reads the watermarks. Prints one JSON line with what each step saw.
import { createRequire } from 'node:module';

const { KafkaJS } = createRequire(import.meta.url)('@confluentinc/kafka-javascript');
const { Kafka, CompressionTypes, ConsumerGroupStates, logLevel } = KafkaJS;
const stateName = (state) => Object.keys(ConsumerGroupStates).find((name) => ConsumerGroupStates[name] === state);

const [bootstrap, topic, group, countText] = process.argv.slice(2);
const count = Number(countText);
const kafka = new Kafka({ kafkaJS: { brokers: [bootstrap], clientId: 'sluice-confluent-js', logLevel: logLevel.ERROR } });

const admin = kafka.admin();
await admin.connect();
const created = await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
const metadata = await admin.fetchTopicMetadata({ topics: [topic] });

const producer = kafka.producer({ kafkaJS: { idempotent: true, compression: CompressionTypes.ZSTD } });
await producer.connect();
const messages = Array.from({ length: count }, (_, i) => ({ key: `user-${i % 17}`, value: `event-${i}` }));
const acknowledged = await producer.send({ topic, messages });
await producer.disconnect();

const consumer = kafka.consumer({ kafkaJS: { groupId: group, fromBeginning: true, autoCommit: false } });
await consumer.connect();
await consumer.subscribe({ topics: [topic] });
const received = [];
let resolveAll;
const all = new Promise((resolve) => (resolveAll = resolve));
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    received.push([partition, Number(message.offset), message.key.toString(), message.value.toString()]);
    await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
    if (received.length === count) resolveAll();
  },
});
await all;
await consumer.disconnect();

const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
const described = await admin.describeGroups([group]);
const deleted = await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] });
const watermarks = await admin.fetchTopicOffsets(topic);
await admin.disconnect();

process.stdout.write(
  `${JSON.stringify({
    created,
    partitions: metadata[0].partitions.length,
    acknowledged: acknowledged.map((r) => [r.partition, Number(r.baseOffset ?? r.offset)]),
    received,
    committed: committed[0].partitions.map((p) => [p.partition, Number(p.offset)]),
    group: { state: stateName(described.groups[0].state), protocolType: described.groups[0].protocolType },
    deleted: deleted.map((d) => [d.partition, Number(d.lowWatermark), d.error ? String(d.error.message) : null]),
    watermarks: watermarks.map((w) => [w.partition, Number(w.low), Number(w.high)]),
  })}\n`,
);
