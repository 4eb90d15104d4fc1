import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run as runCli } from '../../src/cli/main';
import { freePort } from '../helpers/broker-process';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { registryCall, useBrokerRegistry } from '../helpers/registry-http';
import { useTempDir } from '../helpers/temp-dir';

const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields });
const V1 = record([{ name: 'id', type: 'long' }]);
const V2 = record([{ name: 'id', type: 'long' }, { name: 'note', type: ['null', 'string'], default: null }]);
const READ_BY_ID = [
  'import sys',
  'from confluent_kafka.schema_registry import SchemaRegistryClient',
  "client = SchemaRegistryClient({'url': sys.argv[1]})",
  'for id in sys.argv[2:]: print(client.get_schema(int(id)).schema_str)',
].join('\n');
const INCOMPATIBLE = record([{ name: 'id', type: 'long' }, { name: 'qty', type: 'int' }]);

/**
 * `sluice schemas` against the embedded registry of an in-process broker: the real binary as a child process for the
 * steps whose exit status and output streams matter, the same parser and handlers in-process (`run`) for the rest,
 * since each child costs a second of Node start-up.
 */
describe('sluice schemas against the embedded registry', function () {
  this.timeout(60_000);
  const registry = useBrokerRegistry();
  const tmp = useTempDir();
  const sluice = (...args: string[]) => run(process.execPath, [SLUICE_BIN, 'schemas', ...args, '--registry', registry().url, '--retries', '0']);
  const inProcess = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io = { out: (t: string) => void (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t: string) => void (stderr += t.endsWith('\n') ? t : `${t}\n`) };
    const code = await runCli(['schemas', ...args, '--registry', registry().url, '--retries', '0'], io);
    return { code, stdout, stderr };
  };
  const file = (name: string, text: string) => {
    const at = path.join(tmp(), name);
    fs.writeFileSync(at, text);
    return at;
  };

  it('registers, evolves under BACKWARD, refuses an incompatible schema with 409, gets by id and sets the config', async () => {
    const [v1, v2, bad] = [file('v1.avsc', V1), file('v2.avsc', V2), file('bad.avsc', INCOMPATIBLE)];
    const first = await sluice('register', 'orders-value', v1);
    assert.equal(first.code, 0, first.stderr);
    const id1 = Number(first.stdout.trim());
    assert.ok(Number.isInteger(id1) && id1 >= 0, first.stdout);

    const [compatible, incompatible] = await Promise.all([inProcess('check', 'orders-value', v2), sluice('check', 'orders-value', bad)]);
    assert.deepEqual([compatible.code, compatible.stdout], [0, 'compatible\n']);
    assert.equal(incompatible.code, 1, 'an incompatible schema exits 1');
    assert.match(incompatible.stdout, /^incompatible with orders-value version latest\n {2}.*qty/);

    const second = await inProcess('register', 'orders-value', v2, '--json');
    assert.equal(second.code, 0, second.stderr);
    const registered = JSON.parse(second.stdout) as { subject: string; id: number; version: number };
    assert.equal(registered.version, 2);
    assert.notEqual(registered.id, id1);

    const [refused, byId, versions] = await Promise.all([
      sluice('register', 'orders-value', bad),
      sluice('get', '--id', String(registered.id)),
      inProcess('list', 'orders-value', '--json'),
    ]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^sluice schemas register: .*incompatible.*\(error code 409\)\n$/);
    assert.equal(byId.code, 0, byId.stderr);
    assert.deepEqual(JSON.parse(byId.stdout), JSON.parse(V2), 'the schema on stdout is the one registered');
    assert.match(byId.stderr, new RegExp(`^id ${registered.id} \\(AVRO\\): orders-value version 2\\n$`));
    assert.deepEqual(JSON.parse(versions.stdout), [1, 2], 'the refused schema added no version');

    // What the CLI registered is what the REST API serves, read with a plain HTTP request.
    const raw = await registryCall(registry().url, 'GET', `/schemas/ids/${id1}`);
    assert.deepEqual(JSON.parse((raw.body as { schema: string }).schema), JSON.parse(V1));
    // …and what a registry client written by someone else reads back by id (Debian's python3-confluent-kafka).
    const python = await run('/usr/bin/python3', ['-c', READ_BY_ID, registry().url, String(id1), String(registered.id)]);
    assert.equal(python.code, 0, python.stderr);
    assert.deepEqual(python.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown), [JSON.parse(V1), JSON.parse(V2)]);

    const set = await sluice('config', 'orders-value', '--set', 'none');
    assert.deepEqual([set.code, set.stdout], [0, 'orders-value\tNONE\n'], set.stderr);
    const [subjectLevel, globalLevel] = await Promise.all([inProcess('config', 'orders-value', '--json'), inProcess('config')]);
    assert.deepEqual(JSON.parse(subjectLevel.stdout), { subject: 'orders-value', compatibilityLevel: 'NONE', source: 'subject' });
    assert.equal(globalLevel.stdout, 'global\tBACKWARD\n');
    const nowAccepted = await inProcess('register', 'orders-value', bad);
    assert.equal(nowAccepted.code, 0, `under NONE the schema is taken: ${nowAccepted.stderr}`);
  });

  it('answers unknown subjects and ids with Confluent\'s error codes, an unreachable registry in one line naming the URL, and deletes soft then permanently', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const [subject, id, unreachable, usage] = await Promise.all([
      inProcess('get', 'nobody-value'),
      inProcess('get', '--id', '999999'),
      run(process.execPath, [SLUICE_BIN, 'schemas', 'list', '--registry', dead, '--retries', '1']),
      inProcess('check', 'orders-value', path.join(tmp(), 'missing.avsc')),
    ]);
    assert.deepEqual([subject.code, subject.stderr], [1, "sluice schemas get: Subject 'nobody-value' not found. (error code 40401)\n"]);
    assert.equal(id.code, 1);
    assert.match(id.stderr, /^sluice schemas get: .*\(error code 40403\)\n$/);
    assert.equal(unreachable.code, 1);
    assert.equal(
      unreachable.stderr,
      `sluice schemas list: schema registry ${dead} is unavailable: GET /subjects: connect ECONNREFUSED ${dead.slice(7)} (2 attempts)\n`,
    );
    assert.equal(usage.code, 2, 'check exits 2 when it could not check');
    assert.match(usage.stderr, /cannot read .*missing\.avsc/);

    assert.equal((await inProcess('register', 'gone-value', file('g.avsc', V1))).code, 0);
    const permanentFirst = await inProcess('delete', 'gone-value', '--permanent');
    assert.deepEqual([permanentFirst.code, /\(error code 40405\)/.test(permanentFirst.stderr)], [1, true], permanentFirst.stderr);
    assert.equal((await inProcess('delete', 'gone-value')).stdout, 'soft-deleted gone-value version 1\n');
    assert.equal((await inProcess('list', '--deleted')).stdout.includes('gone-value\n'), true);
    assert.equal((await inProcess('delete', 'gone-value', '--permanent')).stdout, 'permanently deleted gone-value version 1\n');
    assert.equal((await inProcess('list', '--deleted')).stdout.includes('gone-value'), false);
  });
});
