import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrokerProcess, spawnBroker } from '../helpers/broker-process';
import { run } from '../helpers/processes';
import { LogManager } from '../../src/log/log-manager';

const PYTHON = '/usr/bin/python3';
const REPO = path.resolve(__dirname, '../../..');
const PLATFORMATIC_SCRIPT = path.resolve(REPO, 'test/clients/platformatic-broker-configs.mjs');
const DYNAMIC_BROKER_CONFIG = 2;
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
const DEFAULT_CONFIG = 5;

interface Described {
  value: string | null;
  source: number;
  readOnly: boolean;
  synonyms: [string, string, number][];
}
/** librdkafka's AlterConfigs (the legacy API, as its 0081 admin test sends it) on this broker's resource. */
const CONFLUENT_LEGACY_ALTER = `
import json, sys
from confluent_kafka.admin import AdminClient, ConfigResource
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
resource = ConfigResource('broker', '0', set_config={'sasl.kerberos.min.time.before.relogin': '58000', 'log.retention.ms': '3600000'})
out = {}
for key, future in admin.alter_configs([resource]).items():
    future.result(timeout=10)
for key, future in admin.describe_configs([ConfigResource('broker', '0')]).items():
    configs = future.result(timeout=10)
    out = {name: [entry.value, entry.source] for name, entry in configs.items() if name in ('sasl.kerberos.min.time.before.relogin', 'log.retention.ms')}
bad = ConfigResource('broker', '0', set_config={'listeners': 'PLAINTEXT://0.0.0.0:1'})
try:
    for key, future in admin.alter_configs([bad]).items():
        future.result(timeout=10)
    out['refused'] = None
except Exception as error:
    out['refused'] = [error.args[0].name(), error.args[0].str()]
print(json.dumps(out))
`;

describe('dynamic broker configs (KIP-226) from unmodified admin clients', function () {
  this.timeout(60_000);
  let dataDir: string;
  let broker: BrokerProcess | undefined;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-dyncfg-'));
  });
  afterEach(async () => {
    broker?.child.kill('SIGKILL');
    if (broker) await broker.exited;
    broker = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async () => (broker = await spawnBroker(['--data-dir', dataDir, '--port', '0']));
  it('@platformatic/kafka: IncrementalAlterConfigs on the broker and on the cluster default, as Kafka checks them; kept through kill -9', async () => {
    await start();
    const raw = await run(process.execPath, [PLATFORMATIC_SCRIPT, `127.0.0.1:${broker!.port}`, 'alter'], undefined, { cwd: REPO });
    assert.equal(raw.code, 0, raw.stderr);
    const report = JSON.parse(raw.stdout) as Record<string, unknown>;
    assert.equal(report.perBroker, 'ok');
    assert.equal(report.validateOnly, 'ok');
    assert.deepEqual(report.staticKey, [['INVALID_REQUEST', 'INVALID_REQUEST: Cannot update these configs dynamically: Set(broker.id)']]);
    assert.deepEqual(report.perBrokerOnDefault, [['INVALID_REQUEST', 'INVALID_REQUEST: Cannot update these configs at default cluster level, broker id must be specified: Set(sasl.kerberos.min.time.before.relogin)']]);
    assert.equal((report.badValue as [string, string][])[0][0], 'INVALID_CONFIG');
    assert.match((report.badValue as [string, string][])[0][1], /retention\.ms=soon/);
    assert.equal((report.unknown as [string, string][])[0][0], 'INVALID_CONFIG');
    const check = (described: Record<string, Record<string, Described>>) => {
      const brokerConfigs = described.broker;
      assert.deepEqual(brokerConfigs['sasl.kerberos.min.time.before.relogin'], {
        value: '58000', source: DYNAMIC_BROKER_CONFIG, readOnly: false, synonyms: [['sasl.kerberos.min.time.before.relogin', '58000', DYNAMIC_BROKER_CONFIG]],
      });
      assert.deepEqual(brokerConfigs['log.retention.ms'].synonyms, [
        ['log.retention.ms', '3600000', DYNAMIC_BROKER_CONFIG],
        ['log.retention.ms', '1800000', DYNAMIC_DEFAULT_BROKER_CONFIG],
        ['log.retention.hours', '168', DEFAULT_CONFIG],
      ], 'this broker over the cluster default over Kafka\'s default');
      assert.deepEqual([brokerConfigs['log.retention.ms'].value, brokerConfigs['log.retention.ms'].source], ['3600000', DYNAMIC_BROKER_CONFIG], 'validateOnly changed nothing');
      assert.deepEqual([brokerConfigs['log.segment.bytes'].value, brokerConfigs['log.segment.bytes'].source], ['1048576', DYNAMIC_DEFAULT_BROKER_CONFIG]);
      assert.deepEqual([brokerConfigs['num.io.threads'].value, brokerConfigs['num.io.threads'].source], ['16', DYNAMIC_DEFAULT_BROKER_CONFIG]);
      assert.equal(brokerConfigs['broker.id'].readOnly, true);
      const clusterDefault = described.clusterDefault;
      assert.deepEqual(Object.keys(clusterDefault).sort(), ['log.retention.ms', 'log.segment.bytes', 'num.io.threads'], 'the default resource shows only what was set there');
      assert.deepEqual([clusterDefault['log.retention.ms'].value, clusterDefault['log.retention.ms'].source], ['1800000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
      assert.deepEqual([described.plain['retention.ms'].value, described.plain['retention.ms'].source], ['3600000', DYNAMIC_BROKER_CONFIG], 'a topic without an override follows');
      assert.deepEqual([described.plain['segment.bytes'].value, described.plain['segment.bytes'].source], ['1048576', DYNAMIC_DEFAULT_BROKER_CONFIG]);
      assert.deepEqual([described.own['retention.ms'].value, described.own['retention.ms'].source], ['7200000', 1], 'a topic override still wins');
    };
    check(report as unknown as Record<string, Record<string, Described>>);
    broker!.child.kill('SIGKILL');
    await broker!.exited;
    await start();
    const after = await run(process.execPath, [PLATFORMATIC_SCRIPT, `127.0.0.1:${broker!.port}`, 'describe'], undefined, { cwd: REPO });
    assert.equal(after.code, 0, after.stderr);
    check(JSON.parse(after.stdout) as Record<string, Record<string, Described>>);
  });

  it('confluent-kafka (librdkafka) legacy AlterConfigs on the broker, as librdkafka\'s own admin test sends it; a static key is refused', async () => {
    await start();
    const result = await run(PYTHON, ['-c', CONFLUENT_LEGACY_ALTER, `127.0.0.1:${broker!.port}`]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, [string, number] | [string, string]>;
    assert.deepEqual(out['sasl.kerberos.min.time.before.relogin'], ['58000', DYNAMIC_BROKER_CONFIG]);
    assert.deepEqual(out['log.retention.ms'], ['3600000', DYNAMIC_BROKER_CONFIG]);
    assert.deepEqual(out.refused, ['INVALID_REQUEST', 'INVALID_REQUEST: Cannot update these configs dynamically: Set(listeners)']);
  });
});

describe('dynamic topic defaults in the log (LogManager.setDynamicBrokerDefaults)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-dyncfg-log-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('changes the config open partitions use at once, finer units win, a topic override stays, and a bad value changes nothing', () => {
    const logs = LogManager.open(dir, { defaults: { retentionMs: 86_400_000 } });
    try {
      logs.createTopic('plain', 2);
      logs.createTopic('own', 1, { 'retention.ms': '5000' });
      logs.setDynamicBrokerDefaults({ broker: { 'log.retention.hours': '2' }, clusterDefault: { 'log.retention.minutes': '30', 'compression.type': 'zstd' } });
      assert.equal(logs.partition('plain', 1).currentConfig.retentionMs, 2 * 3_600_000, 'this broker\'s hours over the cluster\'s minutes');
      assert.equal(logs.partition('plain', 0).currentConfig.compressionType, 'zstd');
      assert.equal(logs.partition('own', 0).currentConfig.retentionMs, 5000);
      logs.setDynamicBrokerDefaults({ broker: { 'log.retention.hours': '2', 'log.retention.minutes': '10' }, clusterDefault: {} });
      assert.equal(logs.partition('plain', 0).currentConfig.retentionMs, 10 * 60_000, 'minutes over hours at one level');
      assert.throws(() => logs.setDynamicBrokerDefaults({ broker: { 'log.retention.ms': '-7' }, clusterDefault: {} }), /retention\.ms=-7/);
      assert.equal(logs.partition('plain', 0).currentConfig.retentionMs, 10 * 60_000, 'unchanged');
      logs.setDynamicBrokerDefaults({ broker: {}, clusterDefault: {} });
      assert.equal(logs.partition('plain', 0).currentConfig.retentionMs, 86_400_000, 'back to the start flag');
      logs.createTopic('later', 1);
      assert.equal(logs.partition('later', 0).currentConfig.retentionMs, 86_400_000);
    } finally {
      logs.close();
    }
  });
});
