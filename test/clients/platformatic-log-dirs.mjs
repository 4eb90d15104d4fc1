// @platformatic/kafka's Admin.describeLogDirs against a sluice broker: the topic's partitions (one asked for that
// does not exist), after 30 records produced into partition 0 and 10 into partition 1. Prints one JSON line.
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';

const [bootstrap] = process.argv.slice(2);
const bootstrapBrokers = [bootstrap];
const admin = new Admin({ clientId: 'sluice-log-dirs-test', bootstrapBrokers });
await admin.createTopics({ topics: ['dirs'], partitions: 2, replicas: 1 });
const producer = new Producer({ clientId: 'sluice-log-dirs-test', bootstrapBrokers, serializers: stringSerializers });
const messages = (partition, count) => Array.from({ length: count }, (_, i) => ({ topic: 'dirs', partition, key: `k${i}`, value: `value ${partition}-${i}` }));
await producer.send({ messages: messages(0, 30) });
await producer.send({ messages: messages(1, 10) });
await producer.close();
const described = await admin.describeLogDirs({ topics: [{ name: 'dirs', partitions: [0, 1, 7] }] });
await admin.close();
console.log(JSON.stringify(described, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
