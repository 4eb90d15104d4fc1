import { FileCredentialStore } from '../../src/credential-store/file-credential-store';
import { plainCredential } from '../../src/broker/security/sasl-mechanisms';
import { scramCredential, scramMechanismNamed } from '../../src/protocol/scram';
import type { ClientSecurity } from '../../src/client/client-security';
import { startBroker, RunningBroker } from './broker';
import type { BrokerOptions } from '../../src/broker/broker';
import { makeTestCertificates, TestCertificates } from './test-certificates';

export interface SecuredBroker {
  running: RunningBroker;
  certs: TestCertificates;
  /** host:port of each listener. */
  plaintext: string;
  ssl: string;
  saslSsl: string;
  stop(): Promise<void>;
}

/** A user the broker knows under every mechanism. */
export const USER = 'etl';
export const PASSWORD = 'etl-secret';

/**
 * sluice's broker with PLAINTEXT, SSL and SASL_SSL listeners on loopback (certificates made for this run) and
 * user `etl` for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
 */
export async function startSecuredBroker(extra: Partial<BrokerOptions> = {}): Promise<SecuredBroker> {
  const certs = makeTestCertificates();
  const running = await startBroker({
    listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    sslKeystoreLocation: certs.serverKeystore,
    sslTruststoreLocation: certs.caCert,
    numPartitions: 4,
    log: () => undefined,
    ...extra,
  });
  const store = FileCredentialStore.open(running.dataDir);
  store.apply([
    { user: USER, mechanism: 'PLAIN', credential: plainCredential(PASSWORD) },
    { user: USER, mechanism: 'SCRAM-SHA-256', credential: scramCredential(scramMechanismNamed('SCRAM-SHA-256')!, PASSWORD) },
    { user: USER, mechanism: 'SCRAM-SHA-512', credential: scramCredential(scramMechanismNamed('SCRAM-SHA-512')!, PASSWORD) },
  ]);
  const address = (i: number) => `127.0.0.1:${running.broker.listeners[i].port}`;
  return {
    running,
    certs,
    plaintext: address(0),
    ssl: address(1),
    saslSsl: address(2),
    async stop() {
      await running.stop();
      certs.remove();
    },
  };
}

/** Client settings for the SASL_SSL listener; the password comes from `passwordEnv`. */
export function saslSslSettings(certs: TestCertificates, mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', passwordEnv: string): ClientSecurity {
  return { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': mechanism, 'sasl.username': USER, 'sasl.password.env': passwordEnv, 'ssl.ca.location': certs.caCert };
}
