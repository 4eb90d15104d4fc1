import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { startBroker, RunningBroker } from '../helpers/broker';
import { makeTestCertificates, TestCertificates } from '../helpers/test-certificates';
import { run } from '../helpers/processes';
import { BrokerProcess, freePort, spawnBroker } from '../helpers/broker-process';
import { sluice } from '../helpers/cli';

const LINES = Array.from({ length: 50 }, (_, i) => `tls-${i}`);

function kcatTls(certs: TestCertificates, bootstrap: string, extra: string[]): string[] {
  return ['-b', bootstrap, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.caCert}`, ...extra];
}

/** The Metadata answer's broker address as kcat -L shows it ("broker 0 at host:port"). */
async function advertised(args: string[]): Promise<string> {
  const listed = await run('kcat', [...args, '-L', '-m', '5']);
  const match = /broker \d+ at (\S+)/.exec(listed.stdout);
  assert.ok(match, `kcat -L: ${listed.stdout}${listed.stderr}`);
  return match[1];
}

describe('TLS listeners (PLAINTEXT + SSL, PEM keystore, kcat)', function () {
  this.timeout(20_000);
  let certs: TestCertificates;
  let running: RunningBroker;
  const logged: string[] = [];

  before(async () => {
    certs = makeTestCertificates();
    running = await startBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
      sslKeystoreLocation: certs.serverKeystore,
      sslTruststoreLocation: certs.caCert,
      sslClientAuth: 'requested',
      logAuthentications: true,
      log: (line) => logged.push(line),
    });
  });
  after(async () => {
    await running?.stop();
    certs?.remove();
  });

  const sslBootstrap = () => `127.0.0.1:${running.broker.listeners[1].port}`;

  it('produces and consumes over SSL with kcat; Metadata advertises the listener the client came through', async () => {
    const ssl = kcatTls(certs, sslBootstrap(), []);
    const produced = await run('kcat', [...ssl, '-t', 'over-tls', '-P'], LINES.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await run('kcat', [...ssl, '-t', 'over-tls', '-C', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n').sort(), [...LINES].sort());
    assert.equal(await advertised(ssl), sslBootstrap());
    assert.equal(await advertised(['-b', `127.0.0.1:${running.port}`]), `127.0.0.1:${running.port}`);
    assert.notEqual(running.broker.listeners[1].port, running.port);
  });

  it('a client trusting another CA fails the handshake, and the broker logs it', async () => {
    const listed = await run('kcat', ['-b', sslBootstrap(), '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${certs.otherCaCert}`, '-L', '-m', '1']);
    assert.notEqual(listed.code, 0);
    assert.match(listed.stderr, /certificate verify failed|SSL handshake failed/i);
    assert.ok(logged.some((l) => /^TLS handshake with .* on SSL failed: tlsv1 alert unknown ca$/.test(l)), JSON.stringify(logged));
  });

  it('ssl.client.auth=requested: a client certificate makes the principal its subject DN (RFC 2253, as Kafka)', async () => {
    const before = logged.length;
    const ssl = kcatTls(certs, sslBootstrap(), ['-X', `ssl.certificate.location=${certs.clientCert}`, '-X', `ssl.key.location=${certs.clientKey}`]);
    const listed = await run('kcat', [...ssl, '-L', '-m', '5']);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = logged.slice(before).filter((l) => l.startsWith('authenticated'));
    assert.ok(lines.length > 0, logged.join('\n'));
    assert.match(lines[0], /^authenticated User:CN=alice,OU=eng,O=acme on SSL \(client certificate\)/);
    assert.equal(certs.clientPrincipal, 'User:CN=alice,OU=eng,O=acme');
  });

  it('SIGHUP-style reload serves the new certificate to new connections', async () => {
    const fingerprint = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: running.broker.listeners[1].port, ca: fs.readFileSync(certs.caCert), servername: 'localhost' }, () => {
          resolve(socket.getPeerX509Certificate()!.fingerprint256);
          socket.destroy();
        });
        socket.on('error', reject);
      });
    const first = await fingerprint();
    const renewed = makeTestCertificates();
    try {
      // A renewal from another CA: the new chain must be what the listener now presents.
      fs.copyFileSync(renewed.serverKeystore, certs.serverKeystore);
      assert.equal(running.broker.reloadCertificates(), 1);
      const second = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: running.broker.listeners[1].port, ca: fs.readFileSync(renewed.caCert), servername: 'localhost' }, () => {
          resolve(socket.getPeerX509Certificate()!.fingerprint256);
          socket.destroy();
        });
        socket.on('error', reject);
      });
      assert.notEqual(second, first);
      assert.equal(second, new X509Certificate(fs.readFileSync(renewed.serverCert)).fingerprint256);
    } finally {
      renewed.remove();
    }
  });
});

describe('ssl.client.auth=required', function () {
  this.timeout(20_000);
  let certs: TestCertificates;
  let running: RunningBroker;

  before(async () => {
    certs = makeTestCertificates();
    running = await startBroker({ listeners: 'SSL://127.0.0.1:0', sslKeystoreLocation: certs.serverKeystore, sslTruststoreLocation: certs.caCert, sslClientAuth: 'required' });
  });
  after(async () => {
    await running?.stop();
    certs?.remove();
  });

  it('refuses a client without a certificate and serves one with it', async () => {
    const base = kcatTls(certs, running.bootstrap, []);
    const without = await run('kcat', [...base, '-L', '-m', '1']);
    assert.notEqual(without.code, 0, without.stdout);
    const withCert = await run('kcat', [...base, '-X', `ssl.certificate.location=${certs.clientCert}`, '-X', `ssl.key.location=${certs.clientKey}`, '-L', '-m', '5']);
    assert.equal(withCert.code, 0, withCert.stderr);
    assert.match(withCert.stdout, new RegExp(`broker 0 at ${running.bootstrap}`));
  });
});

describe('sluice broker --listeners (the CLI, as a child process)', function () {
  this.timeout(20_000);
  let certs: TestCertificates;
  let broker: BrokerProcess | undefined;
  let dataDir: string;

  before(() => {
    certs = makeTestCertificates();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-listeners-'));
  });
  after(async () => {
    if (broker && broker.child.exitCode === null) {
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
    certs?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('warns about the unauthenticated non-loopback listener only, advertises advertised-listeners, reloads certificates on SIGHUP', async () => {
    const [plainPort, saslPort] = [await freePort(), await freePort()];
    broker = await spawnBroker([
      '--data-dir', dataDir,
      '--listeners', `PLAINTEXT://0.0.0.0:${plainPort},SASL_SSL://127.0.0.1:${saslPort}`,
      '--advertised-listeners', `PLAINTEXT://localhost:${plainPort}`,
      '--ssl-keystore-location', certs.serverKeystore,
    ]);
    const warnings = broker.stderr().split('\n').filter((l) => l.startsWith('WARNING'));
    assert.deepEqual(warnings, [`WARNING: listener PLAINTEXT on 0.0.0.0:${plainPort} is PLAINTEXT without authentication: anyone who can reach it can read and write every topic`]);
    assert.match(broker.stderr(), new RegExp(`listening on PLAINTEXT://0\\.0\\.0\\.0:${plainPort},SASL_SSL://127\\.0\\.0\\.1:${saslPort}`));
    assert.equal(await advertised(['-b', `127.0.0.1:${plainPort}`]), `localhost:${plainPort}`);
    broker.child.kill('SIGHUP');
    await waitFor(() => broker!.stderr().includes('SIGHUP: TLS certificate and key read again for 1 listener(s)'));
    broker.child.kill('SIGTERM');
    assert.equal((await broker.exited).code, 0, broker.stderr());
  });

  it('refuses a listener line it cannot read, naming the setting', async () => {
    const refused = sluice(['broker', '--data-dir', dataDir, '--listeners', 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /an SSL or SASL_SSL listener needs ssl-keystore-location/);
    const bad = sluice(['broker', '--data-dir', dataDir, '--listeners', 'FOO://127.0.0.1:0']);
    assert.match(bad.stderr, /listener FOO has no security protocol/);
  });
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
