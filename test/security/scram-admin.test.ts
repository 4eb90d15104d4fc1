import { strict as assert } from 'node:assert';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { startBroker, RunningBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { sluice } from '../helpers/cli';
import {
  alterUserScramCredentialsRequestSchema, alterUserScramCredentialsResponseSchema, describeUserScramCredentialsRequestSchema, describeUserScramCredentialsResponseSchema,
  metadataRequestSchema, metadataResponseSchema, saslAuthenticateRequestSchema, saslAuthenticateResponseSchema, saslHandshakeRequestSchema, saslHandshakeResponseSchema,
} from '../../src/protocol/generated';
import { FileCredentialStore } from '../../src/credential-store/file-credential-store';
import { plainCredential } from '../../src/broker/security/sasl-mechanisms';
import { call, openConnection, RawConnection } from './sasl-requests';

const SHA512 = 2;
const SHA256 = 1;

/**
 * DescribeUserScramCredentials and AlterUserScramCredentials over real TCP (no installed admin client sends
 * them: kafkajs has neither, confluent_kafka 2.0.2 predates them), then kcat authenticating with the result.
 */
describe('DescribeUserScramCredentials / AlterUserScramCredentials', function () {
  this.timeout(20_000);
  let running: RunningBroker;
  let plaintext = 0;
  let sasl = 0;

  before(async () => {
    running = await startBroker({ listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0', saslEnabledMechanisms: ['SCRAM-SHA-512', 'SCRAM-SHA-256'] });
    [plaintext, sasl] = running.broker.listeners.map((l) => l.port);
  });
  after(async () => running?.stop());

  const describeUsers = (names: string[] | null) =>
    call(plaintext, 50, 0, describeUserScramCredentialsRequestSchema, describeUserScramCredentialsResponseSchema, { users: names === null ? null : names.map((name) => ({ name })) });
  const alter = (body: Parameters<typeof alterBody>[0]) => call(plaintext, 51, 0, alterUserScramCredentialsRequestSchema, alterUserScramCredentialsResponseSchema, alterBody(body));
  function alterBody(body: { deletions?: { name: string; mechanism: number }[]; upsertions?: { name: string; mechanism: number; iterations: number; password: string }[] }) {
    return {
      deletions: body.deletions ?? [],
      upsertions: (body.upsertions ?? []).map((u) => {
        // What an admin client sends: the salted password it computed (RFC 5802 Hi = PBKDF2-HMAC), never the password.
        const salt = randomBytes(24);
        const hash = u.mechanism === SHA512 ? 'sha512' : 'sha256';
        return { name: u.name, mechanism: u.mechanism, iterations: u.iterations, salt, saltedPassword: pbkdf2Sync(u.password, salt, u.iterations, hash === 'sha512' ? 64 : 32, hash) };
      }),
    };
  }
  const kcatScram = (mechanism: string, user: string, password: string) =>
    run('kcat', ['-b', `127.0.0.1:${sasl}`, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`, '-L', '-m', '2']);

  it('upserts a credential from a salted password; describe shows it; kcat authenticates with the password', async () => {
    const altered = await alter({ upsertions: [{ name: 'dave', mechanism: SHA512, iterations: 8192, password: 'dave-pass' }, { name: 'erin', mechanism: SHA256, iterations: 4096, password: 'erin-pass' }] });
    assert.deepEqual(altered.results.map((r) => [r.user, r.errorCode, r.errorMessage]).sort(), [['dave', 0, null], ['erin', 0, null]]);
    const described = await describeUsers(null);
    assert.equal(described.errorCode, 0);
    assert.deepEqual(described.results.map((r) => [r.user, r.errorCode, r.credentialInfos]), [['dave', 0, [{ mechanism: SHA512, iterations: 8192 }]], ['erin', 0, [{ mechanism: SHA256, iterations: 4096 }]]]);
    const ok = await kcatScram('SCRAM-SHA-512', 'dave', 'dave-pass');
    assert.equal(ok.code, 0, ok.stderr);
    const wrong = await kcatScram('SCRAM-SHA-512', 'dave', 'dave-wrong');
    assert.notEqual(wrong.code, 0);
    assert.match(sluice(['users', 'list', '--data-dir', running.dataDir]).stdout, /^dave\tSCRAM-SHA-512 \(iterations=8192\)$/m);
  });

  it('answers Kafka\'s errors: unknown and duplicate users, too few/many iterations, unknown mechanism, deleting what is not there', async () => {
    const described = await describeUsers(['dave', 'nobody', 'erin', 'erin']);
    assert.deepEqual(described.results.map((r) => [r.user, r.errorCode, r.errorMessage]), [
      ['dave', 0, null],
      ['nobody', 91, 'Attempt to describe a user credential that does not exist: nobody'],
      ['erin', 92, 'Cannot describe SCRAM credentials for the same user twice in a single request: erin'],
    ]);
    const altered = await alter({
      deletions: [{ name: 'ghost', mechanism: SHA512 }, { name: 'erin', mechanism: 0 }],
      upsertions: [
        { name: 'few', mechanism: SHA512, iterations: 1000, password: 'x' },
        { name: 'many', mechanism: SHA512, iterations: 20000, password: 'x' },
        { name: '', mechanism: SHA512, iterations: 4096, password: 'x' },
        { name: 'twice', mechanism: SHA512, iterations: 4096, password: 'x' },
        { name: 'twice', mechanism: SHA256, iterations: 4096, password: 'x' },
      ],
    });
    const byUser = Object.fromEntries(altered.results.map((r) => [r.user, [r.errorCode, r.errorMessage]]));
    assert.deepEqual(byUser, {
      ghost: [91, 'Attempt to delete a user credential that does not exist'],
      erin: [33, 'Unknown SCRAM mechanism'],
      few: [93, 'Too few iterations'],
      many: [93, 'Too many iterations'],
      '': [93, 'Username must not be empty'],
      twice: [92, 'A user credential cannot be altered twice in the same request'],
    });
    assert.deepEqual((await describeUsers(null)).results.map((r) => r.user), ['dave', 'erin'], 'nothing written');
  });

  it('deletes a credential: describe no longer finds it and kcat cannot authenticate', async () => {
    const altered = await alter({ deletions: [{ name: 'erin', mechanism: SHA256 }] });
    assert.deepEqual(altered.results.map((r) => [r.user, r.errorCode]), [['erin', 0]]);
    assert.equal((await describeUsers(['erin'])).results[0].errorCode, 91);
    const refused = await kcatScram('SCRAM-SHA-256', 'erin', 'erin-pass');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /invalid credentials with SASL mechanism SCRAM-SHA-256/);
  });
});

describe('SaslHandshake/SaslAuthenticate over raw connections: KIP-368 session lifetime and re-authentication, Kafka\'s errors', function () {
  this.timeout(20_000);
  let running: RunningBroker;
  let sasl = 0;

  before(async () => {
    running = await startBroker({ listeners: 'SASL_PLAINTEXT://127.0.0.1:0', connectionsMaxReauthMs: 400 });
    sasl = running.port;
    FileCredentialStore.open(running.dataDir).apply([{ user: 'bob', mechanism: 'PLAIN', credential: plainCredential('bob-secret') }]);
  });
  after(async () => running?.stop());

  const authenticate = async (connection: RawConnection, password: string) => {
    const handshake = await connection.request(17, 1, saslHandshakeRequestSchema, saslHandshakeResponseSchema, { mechanism: 'PLAIN' });
    assert.equal(handshake.errorCode, 0);
    return connection.request(36, 2, saslAuthenticateRequestSchema, saslAuthenticateResponseSchema, { authBytes: Buffer.from(`\u0000bob\u0000${password}`) });
  };
  const metadata = (connection: RawConnection) => connection.request(3, 1, metadataRequestSchema, metadataResponseSchema, { topics: null });

  it('tells the client its session lifetime, serves it until then, and re-authenticates it on the same connection', async () => {
    const connection = await openConnection(sasl);
    const first = await authenticate(connection, 'bob-secret');
    assert.deepEqual([first.errorCode, first.sessionLifetimeMs], [0, 400]);
    assert.equal((await metadata(connection)).brokers.length, 1);
    await new Promise((r) => setTimeout(r, 450));
    const again = await authenticate(connection, 'bob-secret');
    assert.deepEqual([again.errorCode, again.sessionLifetimeMs], [0, 400]);
    assert.equal((await metadata(connection)).brokers.length, 1, 'served again after re-authenticating');
    connection.destroy();
  });

  it('closes a connection whose session expired without re-authenticating', async () => {
    const connection = await openConnection(sasl);
    assert.equal((await authenticate(connection, 'bob-secret')).errorCode, 0);
    await new Promise((r) => setTimeout(r, 450));
    await assert.rejects(metadata(connection), /connection closed/);
  });

  it('answers SASL_AUTHENTICATION_FAILED with Kafka\'s PLAIN message, then closes', async () => {
    const connection = await openConnection(sasl);
    const failed = await authenticate(connection, 'wrong');
    assert.deepEqual([failed.errorCode, failed.errorMessage], [58, 'Authentication failed: Invalid username or password']);
    await connection.closed;
  });

  it('answers UNSUPPORTED_SASL_MECHANISM with the enabled list, and ILLEGAL_SASL_STATE for SaslAuthenticate before a handshake', async () => {
    const connection = await openConnection(sasl);
    const handshake = await connection.request(17, 1, saslHandshakeRequestSchema, saslHandshakeResponseSchema, { mechanism: 'GSSAPI' });
    assert.deepEqual([handshake.errorCode, handshake.mechanisms], [33, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']]);
    await connection.closed;
    const early = await openConnection(sasl);
    const answer = await early.request(36, 1, saslAuthenticateRequestSchema, saslAuthenticateResponseSchema, { authBytes: Buffer.from('x') });
    assert.equal(answer.errorCode, 34);
    await early.closed;
  });

  it('a malformed SCRAM token fails with Kafka\'s SCRAM message and closes; after a v0 handshake a bad bare token closes unanswered', async () => {
    const connection = await openConnection(sasl);
    assert.equal((await connection.request(17, 1, saslHandshakeRequestSchema, saslHandshakeResponseSchema, { mechanism: 'SCRAM-SHA-256' })).errorCode, 0);
    const failed = await connection.request(36, 2, saslAuthenticateRequestSchema, saslAuthenticateResponseSchema, { authBytes: Buffer.from('not,a=scram,message') });
    assert.deepEqual([failed.errorCode, failed.errorMessage], [58, 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256']);
    await connection.closed;
    const bare = await openConnection(sasl);
    assert.equal((await bare.request(17, 0, saslHandshakeRequestSchema, saslHandshakeResponseSchema, { mechanism: 'PLAIN' })).errorCode, 0);
    await assert.rejects(bare.request(3, 1, metadataRequestSchema, metadataResponseSchema, { topics: null }), /connection closed/, 'a Metadata frame read as a PLAIN token fails');
    const next = await openConnection(sasl);
    assert.equal((await authenticate(next, 'bob-secret')).errorCode, 0, 'the broker serves the next connection');
    next.destroy();
  });
});
