import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordSchema, registryCall, useBrokerRegistry } from '../helpers/registry-http';
import { startSchemaRegistry } from '../../src/registry/registry-server';
import { PartitionStoreSchemaLog } from '../../src/registry/partition-store-log';
import { basicAuthFromFile } from '../../src/registry/basic-auth';

const V1 = recordSchema('PageView', [{ name: 'page', type: 'string' }]);
const V2 = recordSchema('PageView', [{ name: 'page', type: 'string' }, { name: 'ms', type: ['null', 'long'], default: null }]);

describe('schema registry REST API (Confluent paths, shapes and error codes, over HTTP)', () => {
  const env = useBrokerRegistry();
  const call = (method: string, path: string, body?: unknown) => registryCall(env().url, method, path, body);
  const fail = async (method: string, path: string, body: unknown, status: number, errorCode: number, message?: RegExp) => {
    const answer = await call(method, path, body);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error_code, errorCode, JSON.stringify(answer.body));
    if (message) assert.match(answer.body.message, message);
  };

  it('registers, answers the same id for the same schema written differently, and reuses ids across subjects', async () => {
    const first = await call('POST', '/subjects/views-value/versions', { schema: V1 });
    assert.equal(first.status, 200);
    assert.match(first.contentType, /application\/vnd\.schemaregistry\.v1\+json/);
    assert.equal(first.body.version, 1);
    const spaced = JSON.stringify(JSON.parse(V1), null, 2).replace('"string"', '{"type": "string"}');
    const again = await call('POST', '/subjects/views-value/versions', { schema: spaced, schemaType: 'AVRO' });
    assert.deepEqual([again.body.id, again.body.version], [first.body.id, 1], 'the same schema, another spelling');
    const second = await call('POST', '/subjects/views-value/versions', { schema: V2 });
    assert.deepEqual([second.body.id, second.body.version], [first.body.id + 1, 2]);
    const other = await call('POST', '/subjects/other-value/versions', { schema: V1 });
    assert.deepEqual([other.body.id, other.body.version], [first.body.id, 1], 'a schema registered under another subject keeps its id');

    assert.deepEqual((await call('GET', '/subjects')).body, ['other-value', 'views-value']);
    assert.deepEqual((await call('GET', '/subjects/views-value/versions')).body, [1, 2]);
    const latest = await call('GET', '/subjects/views-value/versions/latest');
    assert.deepEqual(latest.body, { subject: 'views-value', version: 2, id: second.body.id, schema: second.body.schema });
    assert.deepEqual(JSON.parse(latest.body.schema), JSON.parse(V2));
    const one = await call('GET', '/subjects/views-value/versions/1');
    assert.equal(one.body.id, first.body.id);
    const raw = await call('GET', '/subjects/views-value/versions/1/schema');
    assert.deepEqual(raw.body, JSON.parse(V1), 'the schema itself');
    const byId = await call('GET', `/schemas/ids/${first.body.id}`);
    assert.deepEqual(Object.keys(byId.body), ['schema']);
    assert.deepEqual(JSON.parse(byId.body.schema), JSON.parse(V1));
    assert.deepEqual((await call('GET', `/schemas/ids/${first.body.id}/versions`)).body, [
      { subject: 'other-value', version: 1 }, { subject: 'views-value', version: 1 },
    ]);
    assert.deepEqual((await call('GET', '/schemas/types')).body, ['AVRO']);
    const found = await call('POST', '/subjects/views-value', { schema: V2 });
    assert.deepEqual([found.body.subject, found.body.version, found.body.id], ['views-value', 2, second.body.id]);
    const json = await registryCall(env().url, 'GET', '/subjects', undefined, { Accept: 'application/json' });
    assert.match(json.contentType, /^application\/json/);
  });

  it('answers Confluent\'s error codes', async () => {
    await fail('GET', '/subjects/nope/versions', undefined, 404, 40401, /^Subject 'nope' not found\.$/);
    await fail('GET', '/subjects/nope/versions/1', undefined, 404, 40401);
    await fail('GET', '/subjects/views-value/versions/9', undefined, 404, 40402, /^Version 9 not found\.$/);
    await fail('GET', '/schemas/ids/9999', undefined, 404, 40403, /^Schema 9999 not found$/);
    await fail('POST', '/subjects/views-value', { schema: recordSchema('Unknown', [{ name: 'x', type: 'int' }]) }, 404, 40403, /^Schema not found$/);
    await fail('POST', '/subjects/nope', { schema: V1 }, 404, 40401);
    for (const bad of ['abc', '0', '2147483648']) await fail('GET', `/subjects/views-value/versions/${bad}`, undefined, 422, 42202, /is not a valid version id/);
    await fail('POST', '/subjects/x/versions', { schema: '{"type":"record","name":"r","fields":[{"name":"a","type":"strin"}]}' }, 422, 42201, /Invalid schema: undefined type name: strin/);
    await fail('POST', '/subjects/x/versions', { schema: 'not json' }, 422, 42201, /not JSON/);
    await fail('POST', '/subjects/x/versions', { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' }, 422, 42201, /PROTOBUF is not supported yet/);
    await fail('POST', '/subjects/x/versions', { schema: '{"type":"object"}', schemaType: 'JSON' }, 422, 42201, /JSON is not supported yet/);
    await fail('PUT', '/config', { compatibility: 'SIDEWAYS' }, 422, 42203, /^Invalid compatibility level/);
    await fail('GET', '/no/such/path', undefined, 404, 404);
    await fail('PUT', '/schemas/types', {}, 405, 405);
    await fail('POST', '/subjects/x/versions', '{"schema": ', 400, 400);
    assert.deepEqual((await call('GET', '/subjects')).body, ['other-value', 'views-value'], 'nothing was registered by the failures');
  });

  it('deletes versions and subjects softly, then permanently only after a soft delete', async () => {
    const id = (await call('POST', '/subjects/gone-value/versions', { schema: recordSchema('Gone', [{ name: 'g', type: 'int' }]) })).body.id;
    await call('POST', '/subjects/gone-value/versions', { schema: recordSchema('Gone', [{ name: 'g', type: 'int' }, { name: 'h', type: 'int', default: 0 }]) });
    await fail('DELETE', '/subjects/gone-value/versions/1?permanent=true', undefined, 404, 40407, /Version 1 was not deleted first/);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value/versions/1')).body, 1);
    assert.deepEqual((await call('GET', '/subjects/gone-value/versions')).body, [2]);
    assert.deepEqual((await call('GET', '/subjects/gone-value/versions?deleted=true')).body, [1, 2]);
    await fail('GET', '/subjects/gone-value/versions/1', undefined, 404, 40402);
    assert.equal((await call('GET', '/subjects/gone-value/versions/1?deleted=true')).body.id, id);
    await fail('DELETE', '/subjects/gone-value/versions/1', undefined, 404, 40406, /was soft deleted/);
    assert.equal((await call('GET', `/schemas/ids/${id}`)).status, 200, 'a soft-deleted schema is still found by id');
    assert.deepEqual((await call('DELETE', '/subjects/gone-value/versions/1?permanent=true')).body, 1);
    await fail('GET', `/schemas/ids/${id}`, undefined, 404, 40403);

    await fail('DELETE', '/subjects/gone-value?permanent=true', undefined, 404, 40405, /was not deleted first/);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value')).body, [2]);
    assert.ok(!(await call('GET', '/subjects')).body.includes('gone-value'));
    assert.ok((await call('GET', '/subjects?deleted=true')).body.includes('gone-value'));
    await fail('GET', '/subjects/gone-value/versions', undefined, 404, 40401);
    await fail('DELETE', '/subjects/gone-value', undefined, 404, 40404, /soft deleted/);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value?permanent=true')).body, [2]);
    assert.ok(!(await call('GET', '/subjects?deleted=true')).body.includes('gone-value'));
    await fail('DELETE', '/subjects/gone-value', undefined, 404, 40401);
  });

  it('keeps the global and per-subject compatibility (/config), defaultToGlobal, and READWRITE mode', async () => {
    assert.deepEqual((await call('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    await fail('GET', '/config/views-value', undefined, 404, 40408, /does not have subject-level compatibility configured/);
    assert.deepEqual((await call('GET', '/config/views-value?defaultToGlobal=true')).body, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await call('PUT', '/config', { compatibility: 'full_transitive' })).body, { compatibility: 'FULL_TRANSITIVE' });
    assert.deepEqual((await call('PUT', '/config/views-value', { compatibility: 'NONE' })).body, { compatibility: 'NONE' });
    assert.deepEqual((await call('GET', '/config/views-value')).body, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await call('GET', '/config/other-value?defaultToGlobal=true')).body, { compatibilityLevel: 'FULL_TRANSITIVE' });
    assert.deepEqual((await call('DELETE', '/config/views-value')).body, { compatibilityLevel: 'NONE' });
    await fail('GET', '/config/views-value', undefined, 404, 40408);
    assert.deepEqual((await call('DELETE', '/config')).body, { compatibilityLevel: 'FULL_TRANSITIVE' });
    assert.deepEqual((await call('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await call('GET', '/mode')).body, { mode: 'READWRITE' });
  });

  it('asks for HTTP basic auth with a users file (user: password[,role]), answering 401 without it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-registry-')), 'users.properties');
    fs.writeFileSync(file, '# Jetty realm format\nalice: wonder,admin\nbob:builder\n');
    const guarded = await startSchemaRegistry({ log: new PartitionStoreSchemaLog(env().broker.broker.logs), port: 0, basicAuth: basicAuthFromFile(file) });
    try {
      const basic = (userInfo: string) => ({ Authorization: `Basic ${Buffer.from(userInfo).toString('base64')}` });
      const anonymous = await registryCall(guarded.url, 'GET', '/subjects');
      assert.deepEqual([anonymous.status, anonymous.body.error_code], [401, 401]);
      assert.equal((await registryCall(guarded.url, 'GET', '/subjects', undefined, basic('alice:wrong'))).status, 401);
      assert.equal((await registryCall(guarded.url, 'GET', '/subjects', undefined, basic('carol:wonder'))).status, 401);
      const alice = await registryCall(guarded.url, 'GET', '/subjects', undefined, basic('alice:wonder'));
      assert.deepEqual([alice.status, alice.body], [200, ['other-value', 'views-value']], 'the same _schemas as the open registry');
      assert.equal((await registryCall(guarded.url, 'GET', '/config', undefined, basic('bob:builder'))).status, 200);
    } finally {
      await guarded.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
