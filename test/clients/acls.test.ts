import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from '../helpers/broker';
import { BrokerProcess, freePort, spawnBroker } from '../helpers/broker-process';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { run as runInProcess } from '../../src/cli/main';

const PYTHON = '/usr/bin/python3';
const KAFKA_PYTHON_SCRIPT = path.resolve(__dirname, '../../../test/clients/kafka-python-acls.py');

/** The real `sluice` command, asynchronously (an in-process broker must keep answering meanwhile). */
const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

/** The same command line run in this process: what most steps use, since a Node start costs ~2 s on a loaded machine. */
async function sluiceHere(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runInProcess(args, { out: (text) => (stdout += text.endsWith('\n') ? text : `${text}\n`), err: (text) => (stderr += `${text}\n`) });
  return { code, stdout, stderr };
}

describe('ACLs from unmodified clients (kafka-python, kafkajs, kcat) and sluice acls', function () {
  this.timeout(60_000);

  describe('managing ACLs on an open broker', () => {
    let running: RunningBroker;
    beforeEach(async () => {
      running = await startBroker({ numPartitions: 1 });
    });
    afterEach(async () => running.stop());

    it('kafka-python KafkaAdminClient: create_acls, describe_acls (by type and MATCH), delete_acls', async () => {
      const result = await run(PYTHON, [KAFKA_PYTHON_SCRIPT, running.bootstrap]);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.deepEqual([report.created, report.create_failed], [3, []]);
      const read = ['TOPIC', 'py-orders', 'LITERAL', 'User:alice', '*', 'READ', 'ALLOW'];
      const deny = ['TOPIC', 'py-', 'PREFIXED', 'User:alice', '10.1.2.3', 'WRITE', 'DENY'];
      assert.deepEqual(report.described_topics, [deny, read]);
      assert.deepEqual(report.applying_to_py_orders, [deny, read], 'MATCH finds the prefixed ACL that applies to py-orders');
      assert.deepEqual(report.deleted, [deny, read]);
      assert.deepEqual(report.left, [['GROUP', 'py-group', 'LITERAL', 'User:bob', '*', 'READ', 'ALLOW']]);
    });

    it('kafkajs admin: createAcls, describeAcls, deleteAcls', async () => {
      const admin = new Kafka({ brokers: [running.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const entry = (resourceName: string, principal: string, operation: AclOperationTypes) => ({
          resourceType: AclResourceTypes.TOPIC, resourceName, resourcePatternType: ResourcePatternTypes.LITERAL, principal, host: '*', operation, permissionType: AclPermissionTypes.ALLOW,
        });
        assert.equal(await admin.createAcls({ acl: [entry('js-a', 'User:carol', AclOperationTypes.READ), entry('js-b', 'User:carol', AclOperationTypes.WRITE)] }), true);
        const filter = { resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.ANY, principal: 'User:carol', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY };
        const described = await admin.describeAcls(filter);
        assert.deepEqual(described.resources.map((r) => [r.resourceName, r.acls.map((a) => [a.principal, a.operation])]).sort(), [
          ['js-a', [['User:carol', AclOperationTypes.READ]]],
          ['js-b', [['User:carol', AclOperationTypes.WRITE]]],
        ]);
        const deleted = await admin.deleteAcls({ filters: [{ ...filter, resourceName: 'js-a', resourcePatternType: ResourcePatternTypes.LITERAL }] });
        assert.deepEqual(deleted.filterResponses.map((f) => [f.errorCode, f.matchingAcls.map((a) => a.resourceName)]), [[0, ['js-a']]]);
        assert.deepEqual((await admin.describeAcls(filter)).resources.map((r) => r.resourceName), ['js-b']);
      } finally {
        await admin.disconnect();
      }
    });

    it('sluice acls add, list (text and --json), remove; usage mistakes exit 2 before connecting', async () => {
      const bootstrap = ['--bootstrap-server', running.bootstrap];
      const added = await sluice(['acls', 'add', ...bootstrap, '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'Describe', '--topic', 'orders', '--resource-pattern-type', 'prefixed']);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /ResourcePattern\(resourceType=TOPIC, name=orders, patternType=PREFIXED\)/);
      assert.equal((await sluiceHere(['acls', 'add', ...bootstrap, '--deny-principal', 'User:bob', '--deny-host', '10.0.0.7', '--group', 'etl'])).code, 0);
      const listed = await sluice(['acls', 'list', ...bootstrap, '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(JSON.parse(listed.stdout).acls, [
        { resourceType: 'TOPIC', name: 'orders', patternType: 'PREFIXED', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' },
        { resourceType: 'TOPIC', name: 'orders', patternType: 'PREFIXED', principal: 'User:alice', host: '*', operation: 'DESCRIBE', permissionType: 'ALLOW' },
        { resourceType: 'GROUP', name: 'etl', patternType: 'LITERAL', principal: 'User:bob', host: '10.0.0.7', operation: 'ALL', permissionType: 'DENY' },
      ]);
      const text = await sluiceHere(['acls', 'list', ...bootstrap, '--group', 'etl']);
      assert.match(text.stdout, /Current ACLs for resource `ResourcePattern\(resourceType=GROUP, name=etl, patternType=LITERAL\)`:\n\t\(principal=User:bob, host=10\.0\.0\.7, operation=ALL, permissionType=DENY\)/);
      const removed = await sluiceHere(['acls', 'remove', ...bootstrap, '--topic', 'orders', '--resource-pattern-type', 'prefixed', '--allow-principal', 'User:alice', '--operation', 'Read']);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(removed.stdout, /operation=READ/);
      assert.doesNotMatch(removed.stdout, /operation=DESCRIBE/);
      assert.equal((await sluiceHere(['acls', 'remove', ...bootstrap, '--group', 'etl'])).code, 0);
      assert.deepEqual(JSON.parse((await sluiceHere(['acls', 'list', ...bootstrap, '--json'])).stdout).acls.map((a: { operation: string }) => a.operation), ['DESCRIBE']);
      const unknownOperation = await sluiceHere(['acls', 'add', '--bootstrap-server', '127.0.0.1:1', '--allow-principal', 'User:a', '--operation', 'Reed', '--topic', 't']);
      assert.deepEqual([unknownOperation.code, unknownOperation.stderr.trim()], [2, 'sluice acls: unknown operation "Reed"']);
      assert.equal((await sluiceHere(['acls', 'add', '--bootstrap-server', '127.0.0.1:1', '--allow-principal', 'alice', '--topic', 't'])).code, 2);
    });
  });

  describe('enforced on real clients with allow.everyone.if.no.acl.found=false', () => {
    let dataDir: string;
    let broker: BrokerProcess | undefined;
    beforeEach(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-acls-'));
    });
    afterEach(async () => {
      if (broker && broker.child.exitCode === null && broker.child.signalCode === null) {
        broker.child.kill('SIGTERM');
        await broker.exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('READ on one topic only: it reads it, not the hidden one (absent from Metadata), cannot write it, nor join a group; ACLs survive a SIGKILL', async () => {
      const port = await freePort();
      const common = ['--data-dir', dataDir, '--port', String(port), '--num-partitions', '1', '--no-allow-everyone-if-no-acl-found'];
      // Set up as a super user: topics, data and the ACLs of User:ANONYMOUS (every plaintext client).
      broker = await spawnBroker([...common, '--super-users', 'User:ANONYMOUS']);
      const bootstrap = `127.0.0.1:${port}`;
      const client = await KafkaClient.connect(bootstrap);
      for (const topic of ['readable', 'writable', 'hidden']) await client.createTopic(topic, 1);
      client.close();
      for (const topic of ['readable', 'hidden']) {
        const produced = await run('kcat', ['-b', bootstrap, '-t', topic, '-P'], `${topic}-1\n${topic}-2\n${topic}-3\n`);
        assert.equal(produced.code, 0, produced.stderr);
      }
      const grant = (flags: string[]) => sluiceHere(['acls', 'add', '--bootstrap-server', bootstrap, '--allow-principal', 'User:ANONYMOUS', ...flags]);
      for (const flags of [['--operation', 'Read', '--topic', 'readable'], ['--operation', 'Write', '--topic', 'writable'], ['--operation', 'Describe', '--cluster']]) {
        const granted = await grant(flags);
        assert.equal(granted.code, 0, granted.stderr);
      }
      broker.child.kill('SIGKILL');
      await broker.exited;

      broker = await spawnBroker(common);
      const listed = await sluice(['acls', 'list', '--bootstrap-server', bootstrap, '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(JSON.parse(listed.stdout).acls.map((a: { name: string; operation: string }) => `${a.name} ${a.operation}`), ['readable READ', 'writable WRITE', 'kafka-cluster DESCRIBE'], 'the ACLs outlived kill -9');
      const notAdmin = await sluiceHere(['acls', 'add', '--bootstrap-server', bootstrap, '--allow-principal', 'User:ANONYMOUS', '--operation', 'All', '--topic', 'hidden']);
      assert.equal(notAdmin.code, 1);
      assert.match(notAdmin.stderr, /CLUSTER_AUTHORIZATION_FAILED/);

      const metadata = await run('kcat', ['-b', bootstrap, '-L']);
      assert.equal(metadata.code, 0, metadata.stderr);
      assert.match(metadata.stdout, /topic "readable" with 1 partitions/);
      assert.match(metadata.stdout, /topic "writable" with 1 partitions/, 'WRITE implies DESCRIBE');
      assert.doesNotMatch(metadata.stdout, /hidden/);

      const read = await run('kcat', ['-b', bootstrap, '-t', 'readable', '-C', '-e', '-q']);
      assert.deepEqual([read.code, read.stdout], [0, 'readable-1\nreadable-2\nreadable-3\n'], read.stderr);
      const hidden = await run('kcat', ['-b', bootstrap, '-t', 'hidden', '-C', '-e', '-q', '-X', 'topic.metadata.refresh.interval.ms=100'], undefined);
      assert.notEqual(hidden.code, 0);
      assert.doesNotMatch(hidden.stdout, /hidden-1/);
      assert.match(hidden.stderr, /[Aa]uthoriz/);

      const refused = await run('kcat', ['-b', bootstrap, '-t', 'readable', '-P'], 'not allowed\n');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Topic authorization failed/);
      const written = await run('kcat', ['-b', bootstrap, '-t', 'writable', '-P'], 'allowed\n');
      assert.equal(written.code, 0, written.stderr);
      // An idempotent producer's InitProducerId needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic: it has the latter.
      const idempotent = await run('kcat', ['-b', bootstrap, '-t', 'writable', '-P', '-X', 'enable.idempotence=true'], 'idempotent\n');
      assert.equal(idempotent.code, 0, idempotent.stderr);
      const writtenBack = await KafkaClient.connect(bootstrap);
      assert.equal((await writtenBack.listOffsets('writable', [0], -1)).offsets.get(0)?.offset, 2);
      writtenBack.close();

      const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
      const producer = kafka.producer();
      await producer.connect();
      await assert.rejects(producer.send({ topic: 'readable', messages: [{ value: 'x' }] }), (e: { type?: string }) => e.type === 'TOPIC_AUTHORIZATION_FAILED');
      await producer.disconnect();
      // kafkajs turns a refused FindCoordinator into "Failed to find group coordinator"; librdkafka names it.
      const grouped = await run('timeout', ['20', 'kcat', '-b', bootstrap, '-G', 'no-read-on-this-group', 'readable', '-e', '-q']);
      assert.notEqual(grouped.code, 0);
      assert.match(grouped.stderr, /FindCoordinator response error: Group authorization failed/);
      assert.doesNotMatch(grouped.stdout, /readable-1/);

      assert.match(broker.stderr(), /authorizer: Principal = User:ANONYMOUS is Denied operation = WRITE from host = 127\.0\.0\.1 on resource = Topic:LITERAL:readable/);
      const check = await KafkaClient.connect(bootstrap);
      assert.equal((await check.listOffsets('readable', [0], -1)).offsets.get(0)?.offset, 3, 'nothing refused was stored');
      check.close();
    });
  });
});
