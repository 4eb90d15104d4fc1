// @platformatic/kafka as a group member: reads COUNT messages of TOPIC in GROUP, committing each, leaves the group,
// and prints them as one JSON line of [partition, offset, value].
import { Consumer, stringDeserializers } from '@platformatic/kafka';

const [bootstrap, topic, group, countText] = process.argv.slice(2);
const count = Number(countText);
const consumer = new Consumer({ clientId: 'sluice-test-group', groupId: group, bootstrapBrokers: [bootstrap], deserializers: stringDeserializers, maxWaitTime: 100 });
const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
const received = [];
for await (const message of stream) {
  received.push([message.partition, Number(message.offset), message.value]);
  await message.commit();
  if (received.length === count) break;
}
await stream.close();
await consumer.close();
process.stdout.write(`${JSON.stringify(received)}\n`);
