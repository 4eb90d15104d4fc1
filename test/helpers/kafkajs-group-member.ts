// A kafkajs group member in a child process for the group tests (killed with SIGKILL there).
// Usage: node kafkajs-group-member.js BOOTSTRAP GROUP TOPIC CONFIG_JSON ({sessionTimeout, heartbeatInterval, ...}).
// Prints {"assignment": [...]} after each join and {"record": [partition, offset, value]} per record, one JSON line each.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, groupId, topic, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson) as { sessionTimeout?: number; heartbeatInterval?: number };
const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(): Promise<void> {
  const consumer = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).consumer({
    groupId, sessionTimeout: config.sessionTimeout ?? 6000, heartbeatInterval: config.heartbeatInterval ?? 200, maxWaitTimeInMs: 200, rebalanceTimeout: 10_000,
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => emit({ assignment: [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b) }));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      emit({ record: [partition, Number(message.offset), message.value?.toString() ?? ''] });
    },
  });
  process.stdin.resume();
  process.stdin.on('end', () => {
    consumer.disconnect().then(() => {
      emit({ closed: true });
      process.exitCode = 0;
      process.stdin.pause();
    }, () => undefined);
  });
}
main().catch((error: Error) => {
  emit({ error: error.message });
  process.exitCode = 1;
});
