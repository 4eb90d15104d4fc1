// @platformatic/kafka's Admin against a sluice broker: IncrementalAlterConfigs and DescribeConfigs on BROKER
// resources (this broker's id and the cluster-wide default ""). Prints one JSON line; a refused call is
// reported as the broker's error name and message.
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes as Op } from '@platformatic/kafka';

const [bootstrap, phase] = process.argv.slice(2);
const admin = new Admin({ clientId: 'sluice-broker-configs-test', bootstrapBrokers: [bootstrap] });
const out = {};
const BROKER = ConfigResourceTypes.BROKER;
const attempt = async (what, call) => {
  try {
    await call();
    out[what] = 'ok';
  } catch (error) {
    const found = [];
    const walk = (e) => {
      if (e.apiId) found.push([e.apiId, e.serverErrorMessage ?? null]);
      for (const inner of e.errors ?? []) walk(inner);
    };
    walk(error);
    out[what] = found;
  }
};
const set = (name, value) => ({ name, configOperation: Op.SET, value });
const describe = async (resourceType, resourceName, keys) => {
  const [described] = await admin.describeConfigs({ resources: [{ resourceType, resourceName, configurationKeys: keys }], includeSynonyms: true, includeDocumentation: false });
  return Object.fromEntries(described.configs.map((c) => [c.name, { value: c.value, source: c.configSource, readOnly: c.readOnly, synonyms: c.synonyms.map((s) => [s.name, s.value, s.source]) }]));
};

if (phase === 'alter') {
  await admin.createTopics({ topics: ['dyn-plain', 'dyn-own'], partitions: 1, replicas: 1, configs: [] });
  await admin.incrementalAlterConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'dyn-own', configs: [set('retention.ms', '7200000')] }] });
  await attempt('perBroker', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '0', configs: [
    set('sasl.kerberos.min.time.before.relogin', '58000'), set('log.retention.ms', '3600000'),
  ] }] }));
  await attempt('clusterDefault', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '', configs: [
    set('log.retention.ms', '1800000'), set('log.segment.bytes', '1048576'), set('num.io.threads', '16'),
  ] }] }));
  await attempt('staticKey', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '0', configs: [set('broker.id', '3')] }] }));
  await attempt('perBrokerOnDefault', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '', configs: [set('sasl.kerberos.min.time.before.relogin', '1')] }] }));
  await attempt('badValue', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '0', configs: [set('log.retention.ms', 'soon')] }] }));
  await attempt('unknown', () => admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '0', configs: [set('log.retention.msec', '1')] }] }));
  await attempt('validateOnly', () => admin.incrementalAlterConfigs({ validateOnly: true, resources: [{ resourceType: BROKER, resourceName: '0', configs: [set('log.retention.ms', '60000')] }] }));
}
const keys = ['sasl.kerberos.min.time.before.relogin', 'log.retention.ms', 'log.segment.bytes', 'num.io.threads', 'broker.id'];
out.broker = await describe(BROKER, '0', keys);
out.clusterDefault = await describe(BROKER, '', null);
out.plain = await describe(ConfigResourceTypes.TOPIC, 'dyn-plain', ['retention.ms', 'segment.bytes']);
out.own = await describe(ConfigResourceTypes.TOPIC, 'dyn-own', ['retention.ms']);
await admin.close();
console.log(JSON.stringify(out));
