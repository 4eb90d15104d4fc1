import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { ScramClient, ScramProtocolError } from '../../src/client/scram';
import { encodeSaslName, ScramMechanism, scramMechanismNamed } from '../../src/protocol/scram';

const SHA256 = scramMechanismNamed('SCRAM-SHA-256')!;
const SHA512 = scramMechanismNamed('SCRAM-SHA-512')!;
/** Only for RFC 5802's own example: Kafka has no SCRAM-SHA-1. */
const SHA1 = { name: 'SCRAM-SHA-1', type: 0, hash: 'sha1', keyLength: 20 } as unknown as ScramMechanism;

/** SCRAM-SHA-512 as Python's hashlib computes it (an implementation that shares nothing with the client). */
function pythonScram(password: string, salt: string, iterations: number, authMessage: string): { proof: string; signature: string } {
  const script = `
import base64, hashlib, hmac, sys, json
password, salt, iterations, auth = sys.argv[1], base64.b64decode(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
salted = hashlib.pbkdf2_hmac('sha512', password.encode(), salt, iterations)
client_key = hmac.new(salted, b'Client Key', hashlib.sha512).digest()
stored = hashlib.sha512(client_key).digest()
signature = hmac.new(stored, auth.encode(), hashlib.sha512).digest()
proof = bytes(a ^ b for a, b in zip(client_key, signature))
server = hmac.new(hmac.new(salted, b'Server Key', hashlib.sha512).digest(), auth.encode(), hashlib.sha512).digest()
print(json.dumps({'proof': base64.b64encode(proof).decode(), 'signature': base64.b64encode(server).decode()}))
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script, password, salt, String(iterations), authMessage], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { proof: string; signature: string };
}

describe('SCRAM client (RFC 5802)', () => {
  it('matches RFC 7677 section 3 (SCRAM-SHA-256): client-first, client-final with its proof, server signature accepted', async () => {
    const client = new ScramClient(SHA256, 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    assert.equal(client.firstMessage(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await client.finalMessage('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    assert.equal(final, 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    client.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it('matches RFC 5802 section 5 (SCRAM-SHA-1)', async () => {
    const client = new ScramClient(SHA1, 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    assert.equal(client.firstMessage(), 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = await client.finalMessage('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    assert.equal(final, 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    client.verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=');
  });

  it('computes SCRAM-SHA-512 as Python hashlib does', async () => {
    const client = new ScramClient(SHA512, 'etl', 'päss=wörd', 'clientnonce123');
    const serverFirst = 'r=clientnonce123servernonce456,s=c2FsdHNhbHRzYWx0,i=8192';
    const final = await client.finalMessage(serverFirst);
    const expected = pythonScram('päss=wörd', 'c2FsdHNhbHRzYWx0', 8192, `n=etl,r=clientnonce123,${serverFirst},c=biws,r=clientnonce123servernonce456`);
    assert.equal(final, `c=biws,r=clientnonce123servernonce456,p=${expected.proof}`);
    client.verifyServerFinal(`v=${expected.signature}`);
  });

  it('refuses a wrong server signature, a server error, a nonce it did not extend and too few iterations', async () => {
    const client = new ScramClient(SHA256, 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    await client.finalMessage('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    assert.throws(() => client.verifyServerFinal('v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), /server signature is wrong/);
    assert.throws(() => client.verifyServerFinal('e=invalid-proof'), /the server says: invalid-proof/);
    await assert.rejects(new ScramClient(SHA256, 'u', 'p', 'abc').finalMessage('r=xyz123,s=c2FsdA==,i=4096'), /does not extend/);
    await assert.rejects(new ScramClient(SHA256, 'u', 'p', 'abc').finalMessage('r=abc123,s=c2FsdA==,i=1024'), ScramProtocolError);
  });

  it('escapes = and , in user names (RFC 5802 section 5.1)', () => {
    assert.equal(encodeSaslName('a=b,c'), 'a=3Db=2Cc');
    assert.equal(new ScramClient(SHA256, 'a,b', 'p', 'n').firstMessage(), 'n,,n=a=2Cb,r=n');
  });
});
