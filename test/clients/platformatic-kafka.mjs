// @platformatic/kafka (a client that needs Kafka 3.x versions: Metadata 12, CreateTopics 7, Fetch by topic id)
// against a sluice broker: admin creates a topic, metadata gives its id, the producer writes, a raw fetch by
// topic id reads both partitions back, a group member reads them all and commits, a second member of the group
// resumes at the committed offsets, admin deletes the topic. Prints one JSON line.
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

const [bootstrap, topic, countText] = process.argv.slice(2);
const count = Number(countText);
const bootstrapBrokers = [bootstrap];
const admin = new Admin({ clientId: 'sluice-test-admin', bootstrapBrokers });
const [created] = await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
const metadata = await admin.metadata({ topics: [topic] });
const described = metadata.topics.get(topic);

const producer = new Producer({ clientId: 'sluice-test-producer', bootstrapBrokers, serializers: stringSerializers, acks: -1 });
const sent = [];
for (let i = 0; i < count; i += 10) {
  const messages = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({ topic, key: `k${i + j}`, value: `value-${i + j}`, partition: (i + j) % 2 }));
  await producer.send({ messages });
  sent.push(...messages.map((m) => [m.partition, m.key, m.value]));
}
await producer.close();

const consumer = new Consumer({ clientId: 'sluice-test-consumer', groupId: 'unused-by-fetch', bootstrapBrokers, maxWaitTime: 50, deserializers: stringDeserializers });
const received = [];
for (const partition of [0, 1]) {
  let offset = 0n;
  for (;;) {
    const response = await consumer.fetch({
      node: described.partitions[partition].leader,
      topics: [{ topicId: described.id, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, partitionMaxBytes: 4096 }] }],
    });
    const answered = response.responses[0].partitions[0];
    if (answered.errorCode !== 0) throw new Error(`fetch error ${answered.errorCode}`);
    const batches = answered.records ?? [];
    for (const batch of batches) {
      for (const record of batch.records) {
        const at = batch.firstOffset + BigInt(record.offsetDelta);
        if (at < offset) continue;
        received.push([partition, Number(at), record.key.toString(), record.value.toString()]);
      }
    }
    if (batches.length === 0) break;
    const last = batches[batches.length - 1];
    offset = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
  }
}
await consumer.close();

/** A group member (FindCoordinator, JoinGroup, SyncGroup, OffsetFetch, Fetch, OffsetCommit) reads `wanted` messages. */
async function consumeInGroup(wanted) {
  const member = new Consumer({ clientId: 'sluice-test-member', groupId: `${topic}-group`, bootstrapBrokers, deserializers: stringDeserializers, maxWaitTime: 50 });
  const stream = await member.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
  const got = [];
  for await (const message of stream) {
    got.push([message.partition, Number(message.offset), message.value]);
    await message.commit();
    if (got.length === wanted) break;
  }
  await stream.close();
  await member.close();
  return got;
}
const grouped = await consumeInGroup(count);
const more = new Producer({ clientId: 'sluice-test-producer', bootstrapBrokers, serializers: stringSerializers });
await more.send({ messages: [0, 1, 2, 3].map((i) => ({ topic, value: `later-${i}`, partition: i % 2 })) });
await more.close();
const resumed = await consumeInGroup(4);

await admin.deleteTopics({ topics: [topic] });
const afterDelete = await admin.listTopics();
await admin.close();
console.log(JSON.stringify({ created: { id: created.id, partitions: created.partitions }, metadataId: described.id, partitions: described.partitionsCount, sent, received, grouped, resumed, afterDelete }));
