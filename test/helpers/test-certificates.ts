import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** PEM files made with the openssl CLI for one test run: a CA, a server and a client certificate it signed, and a stranger CA. */
export interface TestCertificates {
  dir: string;
  /** The CA certificate (a client's ssl.ca.location, the broker's --ssl-truststore-location). */
  caCert: string;
  /** The server's certificate (SAN: 127.0.0.1, ::1, localhost) and key, apart and together (--ssl-keystore-location). */
  serverCert: string;
  serverKey: string;
  serverKeystore: string;
  /** A client certificate with subject O=acme, OU=eng, CN=alice (Kafka's principal: User:CN=alice,OU=eng,O=acme). */
  clientCert: string;
  clientKey: string;
  clientPrincipal: string;
  /** A CA that signed nothing here: trusting it instead of caCert must fail the handshake. */
  otherCaCert: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, subject: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function makeSigned(dir: string, name: string, subject: string, extensions: string): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

/**
 * Writes a fresh CA, server and client certificates into `dir` (a new temp dir by default). Takes about a
 * second (RSA key generation); make them once per test file.
 */
export function makeTestCertificates(dir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-certs-'))): TestCertificates {
  makeCa(dir, 'ca', '/O=sluice-test/CN=sluice test CA');
  makeCa(dir, 'other-ca', '/O=elsewhere/CN=some other CA');
  makeSigned(dir, 'server', '/O=sluice-test/CN=localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n');
  makeSigned(dir, 'client', '/O=acme/OU=eng/CN=alice', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  const file = (name: string) => path.join(dir, name);
  fs.writeFileSync(file('server-keystore.pem'), Buffer.concat([fs.readFileSync(file('server.pem')), fs.readFileSync(file('server.key'))]));
  return {
    dir,
    caCert: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    serverKeystore: file('server-keystore.pem'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    clientPrincipal: 'User:CN=alice,OU=eng,O=acme',
    otherCaCert: file('other-ca.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
