import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel, SASLOptions } from 'kafkajs';
import { startBroker, RunningBroker } from '../helpers/broker';
import { makeTestCertificates, TestCertificates } from '../helpers/test-certificates';
import { run } from '../helpers/processes';
import { sluice } from '../helpers/cli';
import { connectRaw } from '../helpers/raw-socket';
import { metadataRequest } from './sasl-requests';

const SCRAM_FAILED = 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512';
const PLAIN_FAILED = 'Authentication failed: Invalid username or password';

describe('SASL on SASL_SSL and SASL_PLAINTEXT listeners (PLAIN, SCRAM-SHA-256/512) with real clients', function () {
  this.timeout(30_000);
  let certs: TestCertificates;
  let running: RunningBroker;
  const logged: string[] = [];
  const ports = { plaintext: 0, saslSsl: 0, saslPlaintext: 0 };

  const kcatSasl = (mechanism: string, user: string, password: string, protocol = 'SASL_SSL') => [
    '-b', `127.0.0.1:${protocol === 'SASL_SSL' ? ports.saslSsl : ports.saslPlaintext}`,
    '-X', `security.protocol=${protocol}`, '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`,
    '-X', `ssl.ca.location=${certs.caCert}`,
  ];

  before(async () => {
    certs = makeTestCertificates();
    running = await startBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      sslKeystoreLocation: certs.serverCert,
      sslKeyLocation: certs.serverKey,
      logAuthentications: true,
      badClientLogWindowMs: 60_000,
      log: (line) => logged.push(line),
    });
    [ports.plaintext, ports.saslSsl, ports.saslPlaintext] = running.broker.listeners.map((l) => l.port);
    // Users added by the CLI while the broker runs: by a password file, the environment and stdin.
    const passwordFile = path.join(certs.dir, 'alice.password');
    fs.writeFileSync(passwordFile, 'alice-secret\n');
    const added = [
      sluice(['users', 'add', 'alice', '--data-dir', running.dataDir, '--mechanism', 'SCRAM-SHA-512', '--password-file', passwordFile]),
      sluice(['users', 'add', 'carol', '--data-dir', running.dataDir, '--mechanism', 'SCRAM-SHA-256', '--password-stdin'], 'carol-secret\n'),
    ];
    const env = { ...process.env, SLUICE_PASSWORD: 'bob-secret' };
    added.push(await run(process.execPath, [path.resolve(__dirname, '../../../bin/sluice.js'), 'users', 'add', 'bob', '--data-dir', running.dataDir, '--mechanism', 'PLAIN', '--mechanism', 'SCRAM-SHA-512'], undefined, { env }).then((r) => ({ status: r.code, stdout: r.stdout, stderr: r.stderr })));
    for (const result of added) assert.equal(result.status, 0, result.stderr);
  });
  after(async () => {
    await running?.stop();
    certs?.remove();
  });

  it('`sluice users list` shows each user\'s mechanisms and iterations, and no secret', () => {
    const listed = sluice(['users', 'list', '--data-dir', running.dataDir]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n'), [
      'alice\tSCRAM-SHA-512 (iterations=4096)',
      'bob\tPLAIN (iterations=4096), SCRAM-SHA-512 (iterations=4096)',
      'carol\tSCRAM-SHA-256 (iterations=4096)',
    ]);
    const stored = fs.readFileSync(path.join(running.dataDir, '__credentials', 'credentials.json'), 'utf8');
    for (const secret of ['alice-secret', 'bob-secret', 'carol-secret']) {
      assert.ok(!stored.includes(secret) && !stored.includes(Buffer.from(secret).toString('base64')), `${secret} stored`);
    }
  });

  it('kcat produces and consumes over SASL_SSL with SCRAM-SHA-512 and with PLAIN, and over SASL_PLAINTEXT with SCRAM-SHA-256', async () => {
    const cases: [string, string, string, string][] = [['SCRAM-SHA-512', 'alice', 'alice-secret', 'SASL_SSL'], ['PLAIN', 'bob', 'bob-secret', 'SASL_SSL'], ['SCRAM-SHA-256', 'carol', 'carol-secret', 'SASL_PLAINTEXT']];
    for (const [mechanism, user, password, protocol] of cases) {
      const args = kcatSasl(mechanism, user, password, protocol);
      const topic = `kcat-${mechanism.toLowerCase()}`;
      const lines = Array.from({ length: 20 }, (_, i) => `${user}-${i}`);
      const produced = await run('kcat', [...args, '-t', topic, '-P'], lines.join('\n') + '\n');
      assert.equal(produced.code, 0, `${mechanism}: ${produced.stderr}`);
      const consumed = await run('kcat', [...args, '-t', topic, '-C', '-e', '-q']);
      assert.equal(consumed.code, 0, `${mechanism}: ${consumed.stderr}`);
      assert.deepEqual(consumed.stdout.trim().split('\n').sort(), [...lines].sort(), mechanism);
      assert.ok(logged.some((l) => l.startsWith(`authenticated User:${user} on ${protocol} (${mechanism})`)), `${mechanism}: ${JSON.stringify(logged.slice(-5))}`);
    }
  });

  it('a wrong password fails with Kafka\'s message at the client, and failures are logged rate-limited', async () => {
    for (const [mechanism, user, message] of [['SCRAM-SHA-512', 'alice', SCRAM_FAILED], ['PLAIN', 'bob', PLAIN_FAILED]]) {
      const listed = await run('kcat', [...kcatSasl(mechanism, user, 'wrong'), '-L', '-m', '1']);
      assert.notEqual(listed.code, 0);
      assert.ok(listed.stderr.includes(message), `${mechanism}: ${listed.stderr}`);
    }
    const failures = logged.filter((l) => l.includes('closing: SASL authentication failed'));
    assert.equal(failures.length, 1, `one logged in full per window, the rest counted: ${JSON.stringify(failures)}`);
    assert.match(failures[0], /SCRAM-SHA-512: wrong password for alice/);
  });

  it('confluent_kafka produces over SASL_SSL with SCRAM-SHA-512 and PLAIN, and reports a wrong password', async () => {
    const script = `
import sys, json, confluent_kafka
conf = json.loads(sys.argv[1])
p = confluent_kafka.Producer(conf)
errors = []
for i in range(10):
    p.produce('confluent-sasl', ('%s-%d' % (conf['sasl.username'], i)).encode(), on_delivery=lambda e, m: errors.append(str(e)) if e else None)
left = p.flush(8)
print(json.dumps({'left': left, 'errors': errors}))
`;
    for (const [mechanism, user, password] of [['SCRAM-SHA-512', 'alice', 'alice-secret'], ['PLAIN', 'bob', 'bob-secret']]) {
      const conf = { 'bootstrap.servers': `127.0.0.1:${ports.saslSsl}`, 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': mechanism, 'sasl.username': user, 'sasl.password': password, 'ssl.ca.location': certs.caCert };
      const result = await run('/usr/bin/python3', ['-c', script, JSON.stringify(conf)]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), { left: 0, errors: [] }, mechanism);
    }
    const wrong = { 'bootstrap.servers': `127.0.0.1:${ports.saslSsl}`, 'security.protocol': 'SASL_SSL', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': 'nope', 'ssl.ca.location': certs.caCert, 'message.timeout.ms': 1000 };
    const failed = await run('/usr/bin/python3', ['-c', script, JSON.stringify(wrong)]);
    assert.ok(failed.stderr.includes(SCRAM_FAILED), failed.stderr + failed.stdout);
    const consumed = await run('kcat', [...kcatSasl('PLAIN', 'bob', 'bob-secret'), '-t', 'confluent-sasl', '-C', '-e', '-q']);
    assert.equal(consumed.stdout.trim().split('\n').length, 20, consumed.stderr);
  });

  it('kafkajs produces over SASL_SSL with SCRAM-SHA-512 and PLAIN, and rejects a wrong password with the broker\'s message', async () => {
    const kafkaFor = (sasl: SASLOptions) => new Kafka({ clientId: 'kafkajs-sasl', brokers: [`127.0.0.1:${ports.saslSsl}`], ssl: { ca: [fs.readFileSync(certs.caCert)] }, sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    for (const sasl of [{ mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' }, { mechanism: 'plain', username: 'bob', password: 'bob-secret' }] as SASLOptions[]) {
      const producer = kafkaFor(sasl).producer();
      await producer.connect();
      const [sent] = await producer.send({ topic: 'kafkajs-sasl', messages: Array.from({ length: 5 }, (_, i) => ({ value: `${i}` })) });
      assert.equal(sent.errorCode, 0);
      await producer.disconnect();
    }
    const bad = kafkaFor({ mechanism: 'scram-sha-512', username: 'alice', password: 'nope' }).producer();
    await assert.rejects(bad.connect(), (error: Error) => error.message.includes(SCRAM_FAILED));
    const badPlain = kafkaFor({ mechanism: 'plain', username: 'bob', password: 'nope' }).producer();
    await assert.rejects(badPlain.connect(), (error: Error) => error.message.includes(PLAIN_FAILED));
  });

  it('kafka-python 2.0.2 (SaslHandshake v0, then bare tokens without SaslAuthenticate) produces with PLAIN and SCRAM-SHA-512', async () => {
    const script = `
import sys, ssl, kafka
mechanism, user, password, port, ca = sys.argv[1:6]
p = kafka.KafkaProducer(bootstrap_servers='127.0.0.1:' + port, security_protocol='SASL_SSL', sasl_mechanism=mechanism,
    sasl_plain_username=user, sasl_plain_password=password, ssl_cafile=ca, ssl_check_hostname=True, api_version=(2, 0, 0))
for i in range(5):
    p.send('kafka-python-sasl', ('%s-%d' % (mechanism, i)).encode()).get(timeout=10)
p.close()
print('ok')
`;
    for (const [mechanism, user, password] of [['PLAIN', 'bob', 'bob-secret'], ['SCRAM-SHA-512', 'alice', 'alice-secret']]) {
      const result = await run('/usr/bin/python3', ['-c', script, mechanism, user, password, String(ports.saslSsl), certs.caCert]);
      assert.equal(result.stdout.trim(), 'ok', `${mechanism}: ${result.stderr}`);
    }
    const consumed = await run('kcat', [...kcatSasl('PLAIN', 'bob', 'bob-secret'), '-t', 'kafka-python-sasl', '-C', '-e', '-q']);
    assert.deepEqual(consumed.stdout.trim().split('\n').sort(), ['PLAIN-0', 'PLAIN-1', 'PLAIN-2', 'PLAIN-3', 'PLAIN-4', 'SCRAM-SHA-512-0', 'SCRAM-SHA-512-1', 'SCRAM-SHA-512-2', 'SCRAM-SHA-512-3', 'SCRAM-SHA-512-4']);
  });

  it('before authentication a request other than ApiVersions/SASL closes the connection; garbage tokens close one; the broker keeps serving', async () => {
    const early = await connectRaw(ports.saslPlaintext);
    early.socket.write(metadataRequest());
    await early.closed;
    assert.equal(early.received().length, 0, 'no Metadata answer before authentication');
    const garbage = await connectRaw(ports.saslPlaintext);
    garbage.socket.write(Buffer.from('00000010ffffffffffffffffffffffffffffffff', 'hex'));
    await garbage.closed;
    const plain = await connectRaw(ports.plaintext);
    plain.socket.write(metadataRequest());
    await plain.receivedAtLeast(8);
    plain.socket.destroy();
    assert.ok(logged.some((l) => /closing: Metadata request before SASL authentication/.test(l)), JSON.stringify(logged.slice(-6)));
    const listed = await run('kcat', [...kcatSasl('SCRAM-SHA-256', 'carol', 'carol-secret', 'SASL_PLAINTEXT'), '-L', '-m', '5']);
    assert.equal(listed.code, 0, listed.stderr);
  });

  it('`sluice users delete` takes effect in the running broker', async () => {
    const deleted = sluice(['users', 'delete', 'carol', '--data-dir', running.dataDir]);
    assert.equal(deleted.status, 0, deleted.stderr);
    const listed = await run('kcat', [...kcatSasl('SCRAM-SHA-256', 'carol', 'carol-secret', 'SASL_PLAINTEXT'), '-L', '-m', '1']);
    assert.notEqual(listed.code, 0);
    assert.ok(listed.stderr.includes('invalid credentials with SASL mechanism SCRAM-SHA-256'), listed.stderr);
    assert.doesNotMatch(sluice(['users', 'list', '--data-dir', running.dataDir]).stdout, /carol/);
  });
});
