// @platformatic/kafka's Admin against a sluice broker: IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT),
// DescribeConfigs with synonyms and documentation, CreatePartitions, DeleteRecords, ListOffsets by max
// timestamp. Prints one JSON line; a failed call is reported as its error's message.
import { Admin, Producer, stringSerializers, ConfigResourceTypes, IncrementalAlterConfigOperationTypes as Op } from '@platformatic/kafka';

const [bootstrap] = process.argv.slice(2);
const bootstrapBrokers = [bootstrap];
const admin = new Admin({ clientId: 'sluice-admin-test', bootstrapBrokers });
const out = {};
const attempt = async (what, call) => {
  try {
    return await call();
  } catch (error) {
    // The broker's code and message sit at the bottom of the client's nested AggregateErrors.
    const found = [];
    const walk = (e) => {
      if (e.apiId) found.push([e.apiId, e.serverErrorMessage ?? null]);
      for (const inner of e.errors ?? []) walk(inner);
    };
    walk(error);
    out[`${what}Error`] = found;
    return undefined;
  }
};
const TOPIC = ConfigResourceTypes.TOPIC;

await admin.createTopics({ topics: ['plat-admin'], partitions: 1, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '86400000' }] });
const configsOf = async (keys) => {
  const [described] = await admin.describeConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'plat-admin', configurationKeys: keys }], includeSynonyms: true, includeDocumentation: true });
  return Object.fromEntries(described.configs.map((c) => [c.name, { value: c.value, source: c.configSource, type: c.configType, synonyms: c.synonyms.map((s) => [s.name, s.value, s.source]), documented: (c.documentation ?? '').length > 0 }]));
};
out.before = await configsOf(['cleanup.policy', 'retention.ms', 'segment.ms']);
await admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'plat-admin', configs: [
  { name: 'cleanup.policy', configOperation: Op.APPEND, value: 'delete' },
  { name: 'retention.ms', configOperation: Op.DELETE, value: null },
  { name: 'segment.ms', configOperation: Op.SET, value: '3600000' },
] }] });
out.afterAppend = await configsOf(['cleanup.policy', 'retention.ms', 'segment.ms']);
await admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'plat-admin', configs: [{ name: 'cleanup.policy', configOperation: Op.SUBTRACT, value: 'compact' }] }] });
out.afterSubtract = await configsOf(['cleanup.policy', 'segment.ms']);
await attempt('appendToLong', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'plat-admin', configs: [{ name: 'segment.ms', configOperation: Op.APPEND, value: '1' }] }] }));
await attempt('badValue', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'plat-admin', configs: [{ name: 'min.insync.replicas', configOperation: Op.SET, value: '0' }] }] }));
out.unchanged = await configsOf(['min.insync.replicas', 'segment.ms']);

await admin.createPartitions({ topics: [{ name: 'plat-admin', count: 3 }] });
out.partitions = (await admin.metadata({ topics: ['plat-admin'] })).topics.get('plat-admin').partitionsCount;

const producer = new Producer({ clientId: 'sluice-admin-producer', bootstrapBrokers, serializers: stringSerializers, acks: -1 });
const t0 = Date.now() - 60_000;
await producer.send({ messages: Array.from({ length: 6 }, (_, i) => ({ topic: 'plat-admin', partition: 0, value: `v${i}`, timestamp: BigInt(t0 + (i === 3 ? 5000 : i)) })) });
await producer.close();
const [deleted] = await admin.deleteRecords({ topics: [{ name: 'plat-admin', partitions: [{ partition: 0, offset: 2n }] }] });
out.lowWatermark = Number(deleted.partitions[0].lowWatermark);
const listed = await admin.listOffsets({ topics: [{ name: 'plat-admin', partitions: [{ partitionIndex: 0, timestamp: -3n }] }] });
const [answer] = listed[0].partitions;
out.maxTimestamp = [Number(answer.offset), Number(answer.timestamp) - t0];
const earliest = await admin.listOffsets({ topics: [{ name: 'plat-admin', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
out.earliest = Number(earliest[0].partitions[0].offset);
await admin.close();
console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
