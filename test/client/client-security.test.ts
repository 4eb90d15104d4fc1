import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJaasConfig, parseProperties, readClientProperties, securityFromProperties } from '../../src/client/client-properties';
import { checkClientSecurity, ClientSecurity, describeClientSecurity, mergeClientSecurity, resolveClientSecurity } from '../../src/client/client-security';
import { ClientSecurityConfigError } from '../../src/client/security-errors';
import { loadJobDefinition } from '../../src/job/job-definition';
import { sluice } from '../helpers/cli';
import { writeJob } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

const SCRAM: ClientSecurity = { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'etl', 'sasl.password.env': 'ETL_PASSWORD' };

describe('client security settings', () => {
  const tmp = useTempDir();

  it('reads Java properties syntax: separators, comments, continuations, escapes', () => {
    const entries = parseProperties([
      '# comment', '! also a comment', '  security.protocol = SASL_SSL', 'sasl.mechanism:SCRAM-SHA-256', 'sasl.username etl',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\', '    username="etl" \\', '    password="a\\"b";',
      'weird\\=key=v\\u00e9', 'empty=',
    ].join('\n'));
    assert.equal(entries.get('security.protocol'), 'SASL_SSL');
    assert.equal(entries.get('sasl.mechanism'), 'SCRAM-SHA-256');
    assert.equal(entries.get('sasl.username'), 'etl');
    assert.equal(entries.get('sasl.jaas.config'), 'org.apache.kafka.common.security.scram.ScramLoginModule required username="etl" password="a"b";');
    assert.equal(entries.get('weird=key'), 'vé');
    assert.equal(entries.get('empty'), '');
    assert.equal(entries.size, 6);
  });

  it('takes user and password from sasl.jaas.config as Kafka\'s tools do, and refuses modules it cannot use', () => {
    assert.deepEqual(parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr;et";'),
      { module: 'PLAIN', username: 'alice', password: 's3cr;et' });
    assert.deepEqual(parseJaasConfig('org.apache.kafka.common.security.scram.ScramLoginModule required username=etl password="x y"'),
      { module: 'SCRAM', username: 'etl', password: 'x y' });
    assert.throws(() => parseJaasConfig('com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;'), /Krb5LoginModule is not supported/);
    assert.throws(() => parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="a";'), /needs username/);
  });

  it('maps a client.properties file to the settings: jaas credentials, PEM truststore, relative paths from the base', () => {
    const security = securityFromProperties([
      'security.protocol=sasl_ssl', 'sasl.mechanism=SCRAM-SHA-512', 'client.id=ignored',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="etl" password="pw";',
      'ssl.truststore.type=PEM', 'ssl.truststore.location=certs/ca.pem',
    ].join('\n'), '/etc/sluice');
    assert.deepEqual(security, {
      'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'etl', 'sasl.password': 'pw', 'ssl.ca.location': '/etc/sluice/certs/ca.pem',
    });
    assert.throws(() => securityFromProperties('ssl.truststore.location=/x.jks', '/'), /a JKS truststore cannot be read by sluice: convert it to PEM and set ssl.ca.location/);
    assert.throws(() => securityFromProperties('sasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=a password=b;', '/'),
      /ScramLoginModule does not go with sasl.mechanism=PLAIN/);
    const file = path.join(tmp(), 'client.properties');
    fs.writeFileSync(file, 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n');
    assert.throws(() => readClientProperties(file), (error: Error) => error instanceof ClientSecurityConfigError && /sasl.username: is required with SASL_PLAINTEXT/.test(error.message));
  });

  it('checks that the settings fit together', () => {
    assert.doesNotThrow(() => checkClientSecurity(SCRAM));
    const refused = (security: Partial<ClientSecurity>, message: RegExp) => assert.throws(() => checkClientSecurity({ 'security.protocol': 'PLAINTEXT', ...security }), message);
    refused({ 'security.protocol': 'SASL_SSL', 'sasl.username': 'etl', 'sasl.password.env': 'X' }, /sasl.mechanism: is required with SASL_SSL/);
    refused({ ...SCRAM, 'sasl.mechanism': 'GSSAPI' as never }, /"GSSAPI" is not supported/);
    refused({ ...SCRAM, 'sasl.password.env': undefined }, /SASL_SSL needs a password/);
    refused({ ...SCRAM, 'sasl.password.file': '/p' }, /give one password source/);
    refused({ 'sasl.username': 'etl' }, /sasl.username: is set, but security.protocol is PLAINTEXT/);
    refused({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'a', 'sasl.password.env': 'X', 'ssl.ca.location': '/ca' }, /TLS settings need SSL or SASL_SSL/);
    refused({ 'security.protocol': 'SSL', 'ssl.certificate.location': '/c' }, /needs both ssl.certificate.location and ssl.key.location/);
    refused({ 'security.protocol': 'TLS' as never }, /security.protocol: must be one of/);
  });

  it('merges layers key by key (a later password source replaces the earlier one) and never prints the password', () => {
    const merged = mergeClientSecurity(SCRAM, { 'sasl.password': 'pw' }, { 'sasl.username': 'other' });
    assert.deepEqual(merged, { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.password': 'pw', 'sasl.username': 'other' });
    assert.doesNotMatch(describeClientSecurity(merged), /pw/);
  });

  it('reads the password from the environment or a file when connecting, naming the key when it cannot', () => {
    process.env.SLUICE_TEST_PASSWORD = 'from-env';
    assert.equal(resolveClientSecurity({ ...SCRAM, 'sasl.password.env': 'SLUICE_TEST_PASSWORD' }).sasl?.password, 'from-env');
    delete process.env.SLUICE_TEST_PASSWORD;
    assert.throws(() => resolveClientSecurity({ ...SCRAM, 'sasl.password.env': 'SLUICE_TEST_PASSWORD' }), /sasl.password.env: the environment variable SLUICE_TEST_PASSWORD is not set/);
    const file = path.join(tmp(), 'password');
    fs.writeFileSync(file, 'from-file\n');
    const fromFile = resolveClientSecurity({ ...SCRAM, 'sasl.password.env': undefined, 'sasl.password.file': file });
    assert.equal(fromFile.sasl?.password, 'from-file');
    assert.equal(fromFile.principal, 'User:etl');
    assert.throws(() => resolveClientSecurity({ 'security.protocol': 'SSL', 'ssl.ca.location': path.join(tmp(), 'none.pem') }), /ssl.ca.location: cannot read .*none.pem: ENOENT/);
  });

  describe('source.security in a job file', () => {
    it('is read with relative paths from the job file\'s directory', () => {
      const job = loadJobDefinition(writeJob(tmp(), { source: { topic: 'page_views', security: { ...SCRAM, 'ssl.ca.location': '../certs/ca.pem' } } }));
      assert.deepEqual(job.source.security, { ...SCRAM, 'ssl.ca.location': path.join(tmp(), 'certs/ca.pem') });
      assert.equal(loadJobDefinition(writeJob(tmp())).source.security, null);
    });

    it('refuses an inline password, naming the key path, and sluice load exits 1 with that message', () => {
      const file = writeJob(tmp(), { source: { topic: 'page_views', security: { ...SCRAM, 'sasl.password.env': undefined, 'sasl.password': 'hunter2' } } });
      assert.throws(() => loadJobDefinition(file), /page_views.json: source.security.sasl.password: a password must not be written in a job file: use "sasl.password.env"/);
      const load = sluice(['load', '--job', file]);
      assert.equal(load.status, 1);
      assert.match(load.stderr, /^sluice: .*page_views.json: source.security.sasl.password: a password must not be written in a job file/);
      assert.doesNotMatch(load.stderr + load.stdout, /hunter2/);
      const jaas = writeJob(tmp(), { source: { topic: 'page_views', security: { ...SCRAM, 'sasl.jaas.config': 'x required username=a password=b;' } } });
      assert.throws(() => loadJobDefinition(jaas), /source.security.sasl.jaas.config: credentials must not be written in a job file/);
    });

    it('refuses unknown keys and settings that do not fit together, naming the key path', () => {
      assert.throws(() => loadJobDefinition(writeJob(tmp(), { source: { topic: 'page_views', security: { ...SCRAM, 'ssl.ca.locaton': 'x' } } })), /source.security.ssl.ca.locaton: unknown key/);
      assert.throws(() => loadJobDefinition(writeJob(tmp(), { source: { topic: 'page_views', security: { 'security.protocol': 'SASL_SSL' } } })), /source.security.sasl.mechanism: is required with SASL_SSL/);
      assert.throws(() => loadJobDefinition(writeJob(tmp(), { source: { topic: 'page_views', security: { 'security.protocol': 'SSL', 'sasl.mechanism': 'MD5' } } })), /source.security.sasl.mechanism: must be one of "PLAIN"/);
    });
  });
});
