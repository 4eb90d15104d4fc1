import { strict as assert } from 'node:assert';
import { KafkaClient } from '../../src/client/kafka-client';
import { SLUICE_BIN } from '../helpers/cli';
import { produceValues, pageViewValues, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { PASSWORD, saslSslSettings, SecuredBroker, startSecuredBroker, USER } from '../helpers/secured-broker';
import { useTempDir } from '../helpers/temp-dir';

const PASSWORD_ENV = 'SLUICE_TEST_SASL_PASSWORD';
const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args], undefined, { env: { ...process.env, [PASSWORD_ENV]: PASSWORD } });

describe('a load over SASL_SSL on a broker that closes what no ACL allows', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let secured: SecuredBroker;

  before(async () => {
    // The plaintext listener's anonymous user is the super user that sets the topic and the ACLs up.
    secured = await startSecuredBroker({ allowEveryoneIfNoAclFound: false, superUsers: ['User:ANONYMOUS'] });
    const admin = await KafkaClient.connect(secured.plaintext);
    try {
      await admin.createTopic('page_views', 2);
      await produceValues(admin, 'page_views', 2, pageViewValues(0, 400, (i) => START + i * 1000));
    } finally {
      admin.close();
    }
  });
  after(async () => secured?.stop());

  it('without READ the load fails at once naming the topic and User:etl (exit 1); sluice acls speaks SASL_SSL too (etl may not list ACLs); once READ is granted the load runs and verifies', async () => {
    const job = writeJob(tmp(), { source: { bootstrap: secured.saslSsl, topic: 'page_views', security: saslSslSettings(secured.certs, 'SCRAM-SHA-512', PASSWORD_ENV) } });
    const refused = await sluice(['load', '--job', job]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^sluice: .*TOPIC_AUTHORIZATION_FAILED.*page_views.*User:${USER} is not authorized`, 'm'));
    const granted = await sluice(['acls', 'add', '--bootstrap-server', secured.plaintext, '--allow-principal', `User:${USER}`, '--operation', 'Read', '--topic', 'page_views']);
    assert.equal(granted.code, 0, granted.stderr);
    const listed = await sluice([
      'acls', 'list', '--bootstrap-server', secured.saslSsl, '--security-protocol', 'SASL_SSL', '--sasl-mechanism', 'SCRAM-SHA-512',
      '--sasl-username', USER, '--sasl-password-env', PASSWORD_ENV, '--ssl-ca-location', secured.certs.caCert, '--json',
    ]);
    assert.equal(listed.code, 1, 'etl has no DESCRIBE on the cluster, so listing ACLs over SASL_SSL is refused');
    assert.match(listed.stderr, /CLUSTER_AUTHORIZATION_FAILED/);
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 0, load.stderr);
    const loaded = [...load.stdout.matchAll(/, (\d+) records, 0 bad/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(loaded, 400);
    const verify = await sluice(['verify', '--job', job]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /verify: OK/);
  });
});
