import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { SLUICE_BIN } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';
import { recordSchema, registryCall } from '../helpers/registry-http';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';

interface Child {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<unknown>;
}

/** Starts a `sluice` command and waits for a stderr line matching `ready`. */
function start(args: string[], ready: RegExp): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise((done) => child.on('close', done));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (ready.test(stderr)) resolve({ child, stderr: () => stderr, exited });
    });
    exited.then(() => reject(new Error(`sluice ${args[0]} exited early: ${stderr}`)));
  });
}

/** The URL a child's registry printed it listens at. */
const registryUrlOf = (c: Child) => /schema registry at (http:\/\/\S+)/.exec(c.stderr())![1];

const A = recordSchema('A', [{ name: 'a', type: 'string' }]);
const A2 = recordSchema('A', [{ name: 'a', type: 'string' }, { name: 'n', type: ['null', 'long'], default: null }]);
const B = recordSchema('B', [{ name: 'b', type: 'int' }]);
const C = recordSchema('C', [{ name: 'c', type: 'int' }]);

describe('schema registry restarts: ids and versions survive kill -9 (the _schemas topic)', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.child.kill('SIGKILL');
      await c.exited;
    }
  });

  it('replays _schemas after SIGKILL: same ids, versions and configs; the same schema gets its id, a new one the next; a standalone registry on the same cluster agrees', async () => {
    // Port 0, then the port the first broker got for the restart: a port picked free beforehand may be taken by a parallel test.
    const first = await start(['broker', '--data-dir', tmp(), '--port', '0', '--registry-port', '0'], /schema registry at /);
    children.push(first);
    const url = registryUrlOf(first);
    const brokerArgs = ['broker', '--data-dir', tmp(), '--port', '0', '--registry-port', new URL(url).port];
    const call = (method: string, path: string, body?: unknown) => registryCall(url, method, path, body);
    assert.equal((await call('POST', '/subjects/a-value/versions', { schema: A })).body.id, 1);
    assert.equal((await call('POST', '/subjects/a-value/versions', { schema: A2 })).body.id, 2);
    assert.equal((await call('POST', '/subjects/b-value/versions', { schema: B })).body.id, 3);
    assert.equal((await call('POST', '/subjects/copy-value/versions', { schema: A2 })).body.id, 2);
    await call('PUT', '/config/b-value', { compatibility: 'NONE' });
    await call('DELETE', '/subjects/copy-value');
    first.child.kill('SIGKILL');
    await first.exited;
    children.pop();

    const second = await start(brokerArgs, /schema registry at /);
    children.push(second);
    assert.match(second.stderr(), /recovered after an unclean stop/);
    assert.deepEqual((await call('GET', '/subjects')).body, ['a-value', 'b-value']);
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).body, ['a-value', 'b-value', 'copy-value']);
    assert.deepEqual((await call('GET', '/subjects/a-value/versions')).body, [1, 2]);
    const latest = (await call('GET', '/subjects/a-value/versions/latest')).body;
    assert.deepEqual([latest.version, latest.id], [2, 2]);
    assert.deepEqual(JSON.parse((await call('GET', '/schemas/ids/3')).body.schema), JSON.parse(B));
    assert.deepEqual((await call('GET', '/config/b-value')).body, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await call('POST', '/subjects/a-value/versions', { schema: A })).body, { id: 1, version: 1, schema: latest.schema.replace(/,\{"name":"n".*\]\}$/, ']}') });
    assert.deepEqual([(await call('POST', '/subjects/c-value/versions', { schema: C })).body.id], [4], 'next id: highest + 1');

    // The log holds Confluent's records: JSON keys with keytype and magic, values with subject, version, id, schema, deleted.
    const brokerPort = Number(/listening on [^\s]+:(\d+)/.exec(second.stderr())![1]);
    const client = await KafkaClient.connect(`127.0.0.1:${brokerPort}`);
    try {
      const { records } = recordsFrom((await client.fetch('_schemas', 0, 0)).records, 0);
      const keys = records.map((r) => r.key!.toString());
      assert.equal(keys[0], '{"keytype":"SCHEMA","subject":"a-value","version":1,"magic":1}');
      assert.deepEqual(Object.keys(JSON.parse(records[0].value!.toString())), ['subject', 'version', 'id', 'schema', 'deleted']);
      assert.ok(keys.includes('{"keytype":"CONFIG","subject":"b-value","magic":0}'));
      const deleteSubject = records.find((r) => r.key!.toString() === '{"keytype":"DELETE_SUBJECT","subject":"copy-value","magic":0}');
      assert.deepEqual(JSON.parse(deleteSubject!.value!.toString()), { subject: 'copy-value', version: 1 });
    } finally {
      client.close();
    }

    const topic = JSON.parse(fs.readFileSync(path.join(tmp(), '__topics', '_schemas.json'), 'utf8'));
    assert.equal(topic.partitions, 1);
    assert.deepEqual(topic.config, { 'cleanup.policy': 'compact', 'flush.messages': '1' });

    // `sluice registry` against the same broker reads the same log, and writes after catching up with it.
    const standalone = await start(['registry', '--bootstrap', `127.0.0.1:${brokerPort}`, '--port', '0'], /schema registry at /);
    children.push(standalone);
    const other = registryUrlOf(standalone);
    assert.deepEqual(JSON.parse((await registryCall(other, 'GET', '/schemas/ids/4')).body.schema), JSON.parse(C));
    const d = recordSchema('D', [{ name: 'd', type: 'int' }]);
    assert.equal((await registryCall(other, 'POST', '/subjects/d-value/versions', { schema: d })).body.id, 5);
    const e = recordSchema('E', [{ name: 'e', type: 'int' }]);
    assert.equal((await call('POST', '/subjects/e-value/versions', { schema: e })).body.id, 6, 'the embedded registry caught up before writing');
  });
});
