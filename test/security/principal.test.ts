import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { principalOfSubject } from '../../src/broker/security/tls-settings';

/** The principal of certificates made by openssl, against what Java's X500Principal.getName() (Kafka's builder) gives. */
describe('SSL principal: User: + the subject in RFC 2253 form, as Kafka\'s DefaultKafkaPrincipalBuilder', () => {
  const principalOf = (subject: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-dn-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k', '-out', 'c.pem', '-days', '1', '-subj', subject], { cwd: dir, stdio: 'ignore' });
      return principalOfSubject(new X509Certificate(fs.readFileSync(path.join(dir, 'c.pem'))).subject);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('puts the most specific attribute first', () => {
    assert.equal(principalOf('/O=acme/OU=eng/CN=alice'), 'User:CN=alice,OU=eng,O=acme');
  });

  it('escapes a comma in a value and keeps spaces', () => {
    assert.equal(principalOf('/C=US/O=Acme, Inc./CN=alice smith'), 'User:CN=alice smith,O=Acme\\, Inc.,C=US');
  });

  it('names attributes without an RFC 2253 keyword by OID with the DER value in hex (emailAddress), as Java does', () => {
    assert.equal(principalOf('/O=acme/CN=alice/emailAddress=alice@acme.io'), 'User:1.2.840.113549.1.9.1=#160d616c6963654061636d652e696f,CN=alice,O=acme');
  });
});
