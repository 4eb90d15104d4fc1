import { strict as assert } from 'node:assert';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { startBroker, RunningBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { sluice } from '../helpers/cli';

/** Issue 13's "ACLs" done-when, over SASL_PLAINTEXT with SCRAM-SHA-512 users and kcat as the reader. */
describe('ACLs for SASL users: READ on topic a only', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  let port = 0;
  const logged: string[] = [];
  const kcatAs = (user: string) => ['-b', `127.0.0.1:${port}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', `sasl.username=${user}`, '-X', `sasl.password=${user}-secret`];
  const kafkaAs = (user: string) => new Kafka({
    brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'scram-sha-512', username: user, password: `${user}-secret` },
  });

  before(async () => {
    running = await startBroker({
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0', allowEveryoneIfNoAclFound: false, superUsers: ['User:admin'], numPartitions: 1, log: (line) => logged.push(line),
    });
    port = running.broker.listeners[0].port;
    for (const user of ['admin', 'reader']) {
      const added = sluice(['users', 'add', user, '--data-dir', running.dataDir, '--mechanism', 'SCRAM-SHA-512', '--password', `${user}-secret`]);
      assert.equal(added.status, 0, added.stderr);
    }
    for (const topic of ['a', 'b']) {
      const produced = await run('kcat', [...kcatAs('admin'), '-t', topic, '-P'], `${topic}-1\n${topic}-2\n${topic}-3\n`);
      assert.equal(produced.code, 0, produced.stderr);
    }
    const admin = kafkaAs('admin').admin();
    await admin.connect();
    await admin.createAcls({ acl: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'a', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:reader', host: '*', operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.ALLOW }] });
    await admin.disconnect();
  });
  after(async () => running?.stop());

  it('the reader reads a, cannot read b, does not see b in Metadata, and gets TOPIC_AUTHORIZATION_FAILED writing a', async () => {
    const readA = await run('kcat', [...kcatAs('reader'), '-t', 'a', '-C', '-e', '-q']);
    assert.deepEqual([readA.code, readA.stdout], [0, 'a-1\na-2\na-3\n'], readA.stderr);

    const readB = await run('kcat', [...kcatAs('reader'), '-t', 'b', '-C', '-e', '-q']);
    assert.notEqual(readB.code, 0);
    assert.equal(readB.stdout, '');
    assert.match(readB.stderr, /[Tt]opic authorization failed/);

    const metadata = await run('kcat', [...kcatAs('reader'), '-L']);
    assert.equal(metadata.code, 0, metadata.stderr);
    assert.match(metadata.stdout, /topic "a" with 1 partitions/);
    assert.doesNotMatch(metadata.stdout, /topic "b"/);
    const adminView = await run('kcat', [...kcatAs('admin'), '-L']);
    assert.match(adminView.stdout, /topic "b" with 1 partitions/, 'b exists: the super user sees it');

    const write = await run('kcat', [...kcatAs('reader'), '-t', 'a', '-P'], 'not allowed\n');
    assert.notEqual(write.code, 0);
    assert.match(write.stderr, /Topic authorization failed/);
    const producer = kafkaAs('reader').producer();
    await producer.connect();
    await assert.rejects(producer.send({ topic: 'a', messages: [{ value: 'x' }] }), (e: { type?: string }) => e.type === 'TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();

    assert.ok(logged.some((l) => /Principal = User:reader is Denied operation = WRITE from host = 127\.0\.0\.1 on resource = Topic:LITERAL:a/.test(l)), logged.filter((l) => l.includes('authorizer')).join('\n'));
    const check = await run('kcat', [...kcatAs('admin'), '-t', 'a', '-C', '-e', '-q']);
    assert.equal(check.stdout, 'a-1\na-2\na-3\n', 'the refused writes stored nothing');
  });
});
