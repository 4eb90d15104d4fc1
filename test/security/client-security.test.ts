import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { FileCredentialStore } from '../../src/credential-store/file-credential-store';
import { scramCredential, scramMechanismNamed } from '../../src/protocol/scram';
import { buildRecordBatch } from '../../src/protocol/records';
import { SaslAuthenticationError, TlsHandshakeError, UnsupportedSaslMechanismError } from '../../src/client/security-errors';
import { startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { produceValues, pageViewValues, REPO, START, listFiles, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { PASSWORD, saslSslSettings, SecuredBroker, startSecuredBroker, USER } from '../helpers/secured-broker';
import { useTempDir } from '../helpers/temp-dir';

const PASSWORD_ENV = 'SLUICE_TEST_SASL_PASSWORD';
const RECORDS = 3000;
const READ_AVRO = path.join(REPO, 'test/helpers/read-avro-offsets.py');

/** The real CLI with the password in the environment, as a job or a shell would give it. */
const sluice = (args: string[], input?: string, password = PASSWORD) =>
  run(process.execPath, [SLUICE_BIN, ...args], input, { env: { ...process.env, [PASSWORD_ENV]: password } });

/** A plain TCP forwarder on 127.0.0.2 to `target`: the TLS session is still the broker's own. */
async function forwarder(target: string): Promise<{ address: string; close(): Promise<void> }> {
  const [host, port] = target.split(':');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return {
    address: `127.0.0.2:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('sluice\'s client over TLS and SASL (SASL_SSL against sluice\'s broker)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let secured: SecuredBroker;

  before(async () => {
    secured = await startSecuredBroker();
    const plain = await KafkaClient.connect(secured.plaintext);
    try {
      await plain.createTopic('page_views', 4);
      await produceValues(plain, 'page_views', 4, pageViewValues(0, RECORDS, (i) => START + i * 1000));
    } finally {
      plain.close();
    }
  });
  after(async () => secured?.stop());

  const securityFlags = (mechanism: string) => [
    '--security-protocol', 'SASL_SSL', '--sasl-mechanism', mechanism, '--sasl-username', USER,
    '--sasl-password-env', PASSWORD_ENV, '--ssl-ca-location', secured.certs.caCert,
  ];

  it('sluice load reads the topic over SASL_SSL with SCRAM-SHA-512 from source.security, and verify is exact', async () => {
    const job = writeJob(tmp(), { source: { bootstrap: secured.saslSsl, topic: 'page_views', security: saslSslSettings(secured.certs, 'SCRAM-SHA-512', PASSWORD_ENV) } });
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 0, load.stderr);
    const loaded = [...load.stdout.matchAll(/, (\d+) records, 0 bad/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(loaded, RECORDS);
    const verify = await sluice(['verify', '--job', job]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /verify: OK/);
    const avro = listFiles(path.join(tmp(), 'warehouse/page_views')).filter((f) => f.endsWith('.avro')).map((f) => path.join(tmp(), 'warehouse/page_views', f));
    const read = await run('/usr/bin/python3', [READ_AVRO, ...avro]);
    assert.equal(read.code, 0, read.stderr);
    const rows = read.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { rows: [number, number, number][] }).rows);
    const perPartition = new Map<number, number[]>();
    for (const [partition, offset] of rows) perPartition.set(partition, [...(perPartition.get(partition) ?? []), offset]);
    assert.equal(rows.length, RECORDS, 'python3-avro reads every record once');
    for (const [partition, offsets] of perPartition) assert.deepEqual(offsets.sort((a, b) => a - b), offsets.map((_, i) => i), `partition ${partition}: offsets 0..n-1`);
    const status = await sluice(['status', '--jobs', path.dirname(job), '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { ok: boolean }).ok, true);
  });

  it('sluice produce and consume over SASL_SSL with flags (SCRAM-SHA-256) and with --command-config (PLAIN in sasl.jaas.config)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `secured-${i}`);
    const produced = await sluice(['produce', '--bootstrap-server', secured.saslSsl, '--topic', 'secured', ...securityFlags('SCRAM-SHA-256')], lines.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    const config = path.join(tmp(), 'client.properties');
    fs.writeFileSync(config, [
      'security.protocol=SASL_SSL', 'sasl.mechanism=PLAIN', `ssl.ca.location=${secured.certs.caCert}`,
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\`, `  username="${USER}" password="${PASSWORD}";`,
    ].join('\n'));
    const consumed = await sluice(['consume', '--bootstrap-server', secured.saslSsl, '--topic', 'secured', '--from-beginning', '-e', '--command-config', config], undefined, 'not-used');
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n').sort(), [...lines].sort());
    const topics = await sluice(['topics', 'list', '--bootstrap-server', secured.ssl, '--security-protocol', 'SSL', '--ssl-ca-location', secured.certs.caCert]);
    assert.equal(topics.code, 0, topics.stderr);
    assert.deepEqual(topics.stdout.trim().split('\n'), ['page_views', 'secured']);
  });

  it('a wrong password fails the load at once with the broker\'s reason, exit 1', async () => {
    const job = writeJob(tmp(), { source: { bootstrap: secured.saslSsl, topic: 'page_views', security: saslSslSettings(secured.certs, 'SCRAM-SHA-512', PASSWORD_ENV) } });
    const started = Date.now();
    const load = await sluice(['load', '--job', job], undefined, 'wrong-password');
    assert.equal(load.code, 1);
    assert.match(load.stderr, new RegExp(`^sluice: SASL authentication failed for user ${USER} on ${secured.saslSsl}: \\S.*`, 'm'));
    assert.ok(Date.now() - started < 15_000, 'not retried');
    assert.equal(fs.existsSync(path.join(tmp(), 'warehouse/page_views/_sluice/checkpoints')), false);
  });

  it('a CA that did not sign the broker\'s certificate fails the load naming host, port and ssl.ca.location, exit 1', async () => {
    const security = { ...saslSslSettings(secured.certs, 'SCRAM-SHA-512', PASSWORD_ENV), 'ssl.ca.location': secured.certs.otherCaCert };
    const job = writeJob(tmp(), { source: { bootstrap: secured.saslSsl, topic: 'page_views', security } });
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 1);
    assert.match(load.stderr, new RegExp(`^sluice: TLS handshake with ${secured.saslSsl} failed: .*certificate.* \\(check ssl.ca.location\\)$`, 'm'));
  });

  it('flags override the job: the right CA on the command line plans, reports and schedules what the job file alone could not', async () => {
    const security = { ...saslSslSettings(secured.certs, 'SCRAM-SHA-512', PASSWORD_ENV), 'ssl.ca.location': secured.certs.otherCaCert };
    const job = writeJob(tmp(), { source: { bootstrap: secured.saslSsl, topic: 'page_views', security }, schedule: '5 * * * *' });
    const load = await sluice(['load', '--job', job, '--dry-run', '--ssl-ca-location', secured.certs.caCert]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /partition 3: offsets 0\.\.\d+/);
    const status = await sluice(['status', '--jobs', path.dirname(job), '--json', '--ssl-ca-location', secured.certs.caCert]);
    assert.equal(status.code, 0, status.stderr);
    const refused = await sluice(['status', '--jobs', path.dirname(job), '--json']);
    assert.equal(refused.code, 1);
    assert.match((JSON.parse(refused.stdout) as { jobs: { broker: { error: string } }[] }).jobs[0].broker.error, /TLS handshake with .* \(check ssl.ca.location\)/);
    const scheduled = await sluice(['schedule', '--jobs', path.dirname(job), '--once', '--ssl-ca-location', secured.certs.caCert]);
    assert.equal(scheduled.code, 0, scheduled.stdout + scheduled.stderr);
    assert.deepEqual(fs.readdirSync(path.join(tmp(), 'warehouse/page_views/_sluice/checkpoints')).sort(), ['0', '1', '2', '3']);
  });

  it('the client checks the certificate names the host, authenticates every connection, and reports mechanisms and listeners that do not fit', async () => {
    const port = secured.saslSsl.split(':')[1];
    process.env[PASSWORD_ENV] = PASSWORD;
    try {
      // localhost is in the certificate's names, as 127.0.0.1 is.
      const byName = await KafkaClient.connect(`localhost:${port}`, { security: saslSslSettings(secured.certs, 'PLAIN', PASSWORD_ENV) });
      // Leaders are reached through new connections: each one authenticates too.
      const fetched = await byName.fetch('page_views', 3, 0);
      assert.ok(fetched.records.length > 0);
      assert.equal(byName.principal, `User:${USER}`);
      byName.close();
      await assert.rejects(KafkaClient.connect(secured.ssl, { security: saslSslSettings(secured.certs, 'SCRAM-SHA-256', PASSWORD_ENV) }),
        (error: Error) => error instanceof UnsupportedSaslMechanismError && /does not offer SASL on this listener/.test(error.message));
      await assert.rejects(KafkaClient.connect(secured.saslSsl), (error: Error) => /before its first answer \(if the listener is SSL or SASL_SSL, check security.protocol\)/.test(error.message));
      await assert.rejects(KafkaClient.connect(secured.plaintext, { security: { 'security.protocol': 'SSL', 'ssl.ca.location': secured.certs.caCert } }),
        (error: Error) => error instanceof TlsHandshakeError && /is this a TLS listener\? check security.protocol/.test(error.message));
      // 127.0.0.2 reaches the same listener, but the certificate does not name it.
      const other = await forwarder(secured.ssl);
      try {
        const tlsOnly = { 'security.protocol': 'SSL', 'ssl.ca.location': secured.certs.caCert } as const;
        await assert.rejects(KafkaClient.connect(other.address, { security: tlsOnly }), (error: Error) =>
          error instanceof TlsHandshakeError && error.message.startsWith(`TLS handshake with ${other.address} failed: Hostname/IP does not match`) && /ssl.endpoint.identification.algorithm=none/.test(error.message));
        const unchecked = await KafkaClient.connect(other.address, { security: { ...tlsOnly, 'ssl.endpoint.identification.algorithm': 'none' } });
        unchecked.close();
      } finally {
        await other.close();
      }
      process.env[PASSWORD_ENV] = 'wrong';
      await assert.rejects(KafkaClient.connect(secured.saslSsl, { security: saslSslSettings(secured.certs, 'PLAIN', PASSWORD_ENV) }),
        (error: Error) => error instanceof SaslAuthenticationError && error.message.startsWith(`SASL authentication failed for user ${USER} on ${secured.saslSsl}: `));
    } finally {
      delete process.env[PASSWORD_ENV];
    }
  });

  it('mutual TLS: a client certificate is accepted where the broker requires one (principal: its subject), and its absence is a TLS error', async () => {
    const running = await startBroker({
      listeners: 'SSL://127.0.0.1:0', sslKeystoreLocation: secured.certs.serverKeystore, sslTruststoreLocation: secured.certs.caCert, sslClientAuth: 'required', log: () => undefined,
    });
    try {
      const tlsOnly = { 'security.protocol': 'SSL', 'ssl.ca.location': secured.certs.caCert } as const;
      const client = await KafkaClient.connect(running.bootstrap, { security: { ...tlsOnly, 'ssl.certificate.location': secured.certs.clientCert, 'ssl.key.location': secured.certs.clientKey } });
      assert.equal(client.principal, secured.certs.clientPrincipal);
      await client.createTopic('mtls', 1);
      assert.deepEqual((await client.topic('mtls')).partitions.map((p) => p.partition), [0]);
      client.close();
      await assert.rejects(KafkaClient.connect(running.bootstrap, { security: tlsOnly }), (error: Error) =>
        error instanceof TlsHandshakeError && error.message.startsWith(`TLS handshake with ${running.bootstrap} failed: `) && /client certificate/.test(error.message));
    } finally {
      await running.stop();
    }
  });

  it('a SASL session with a lifetime (KIP-368): the client moves to a new, authenticated connection before the broker ends it; a mechanism the broker does not enable is named', async () => {
    const running = await startBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0', sslKeystoreLocation: secured.certs.serverKeystore, connectionsMaxReauthMs: 1500,
      saslEnabledMechanisms: ['SCRAM-SHA-256'], log: () => undefined,
    });
    process.env[PASSWORD_ENV] = PASSWORD;
    try {
      FileCredentialStore.open(running.dataDir).apply([{ user: USER, mechanism: 'SCRAM-SHA-256', credential: scramCredential(scramMechanismNamed('SCRAM-SHA-256')!, PASSWORD) }]);
      const plain = await KafkaClient.connect(running.bootstrap);
      await plain.createTopic('sessions', 1);
      await plain.produce('sessions', 0, buildRecordBatch([{ key: null, value: Buffer.from('one'), timestamp: START }]));
      plain.close();
      const address = `127.0.0.1:${running.broker.listeners[1].port}`;
      await assert.rejects(KafkaClient.connect(address, { security: saslSslSettings(secured.certs, 'PLAIN', PASSWORD_ENV) }), (error: Error) =>
        error instanceof UnsupportedSaslMechanismError && error.message === `SASL mechanism PLAIN is not enabled on ${address}: the broker offers SCRAM-SHA-256 (check sasl.mechanism)`);
      const client = await KafkaClient.connect(address, { security: saslSslSettings(secured.certs, 'SCRAM-SHA-256', PASSWORD_ENV) });
      try {
        for (let round = 0; round < 3; round++) {
          const fetched = await client.fetch('sessions', 0, 0);
          assert.ok(fetched.records.length > 0, `round ${round}`);
          assert.equal(fetched.highWatermark, 1);
          await new Promise((resolve) => setTimeout(resolve, 1600)); // past the session: the broker has closed the old connection
        }
        assert.equal((await client.topic('sessions')).partitions.length, 1, 'the bootstrap connection moved on too');
      } finally {
        client.close();
      }
    } finally {
      delete process.env[PASSWORD_ENV];
      await running.stop();
    }
  });
});
