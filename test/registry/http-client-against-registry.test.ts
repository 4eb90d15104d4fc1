import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run as runCli } from '../../src/cli/main';
import { startBrokerRegistry } from '../../src/registry/start';
import { HttpSchemaRegistry } from '../../connectors/schema-registry/http-schema-registry';
import { SchemaRegistryError, SchemaRegistryErrorCode } from '../../src/ports/schema-registry';
import { recordSchema, useBrokerRegistry } from '../helpers/registry-http';

const V1 = recordSchema('Click', [{ name: 'url', type: 'string' }]);
const V2 = recordSchema('Click', [{ name: 'url', type: 'string' }, { name: 'ref', type: ['null', 'string'], default: null }]);
const BREAKING = recordSchema('Click', [{ name: 'url', type: 'string' }, { name: 'n', type: 'int' }]);

/** sluice's registry client (connectors/schema-registry) against the embedded registry: the two agree on every call. */
describe('schema registry HTTP client against the embedded registry', () => {
  const env = useBrokerRegistry();
  const client = () => new HttpSchemaRegistry(env().url, { maxRetries: 0 });

  async function rejectsWith(call: Promise<unknown>, errorCode: number): Promise<void> {
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryError, String(error));
      assert.equal(error.errorCode, errorCode, error.message);
      return true;
    });
  }

  it('registers, looks up, checks, reads by id, and soft then permanently deletes', async () => {
    const registry = client();
    const id1 = await registry.register('clicks-value', { schema: V1 });
    assert.equal(await registry.register('clicks-value', { schema: V1 }), id1, 'registering again answers the same id');
    const id2 = await registry.register('clicks-value', { schema: V2 });
    assert.deepEqual(await registry.versions('clicks-value'), [1, 2]);
    const latest = await registry.latestVersion('clicks-value');
    assert.deepEqual([latest.subject, latest.version, latest.id, latest.schemaType], ['clicks-value', 2, id2, 'AVRO']);
    assert.deepEqual(JSON.parse(latest.schema), JSON.parse(V2));
    assert.equal((await registry.lookup('clicks-value', { schema: V1 })).version, 1);
    assert.deepEqual(JSON.parse((await registry.schemaById(id1)).schema), JSON.parse(V1));
    assert.deepEqual(await registry.subjectVersionsOfId(id2), [{ subject: 'clicks-value', version: 2 }]);

    const verdict = await registry.checkCompatibility('clicks-value', { schema: BREAKING });
    assert.equal(verdict.isCompatible, false);
    assert.ok(verdict.messages.some((m) => m.includes('field n is not in the writer')), verdict.messages.join('; '));
    assert.deepEqual(await registry.checkCompatibility('clicks-value', { schema: V2 }, 1), { isCompatible: true, messages: [] });
    await rejectsWith(registry.register('clicks-value', { schema: BREAKING }), SchemaRegistryErrorCode.INCOMPATIBLE_SCHEMA);
    await rejectsWith(registry.register('clicks-value', { schema: '{"type":"nonsense"}' }), SchemaRegistryErrorCode.INVALID_SCHEMA);
    await rejectsWith(registry.lookup('clicks-value', { schema: BREAKING }), SchemaRegistryErrorCode.SCHEMA_NOT_FOUND);
    await rejectsWith(registry.getVersion('clicks-value', 9), SchemaRegistryErrorCode.VERSION_NOT_FOUND);

    await rejectsWith(registry.deleteSubject('clicks-value', { permanent: true }), SchemaRegistryErrorCode.SUBJECT_NOT_SOFT_DELETED);
    assert.equal(await registry.deleteVersion('clicks-value', 2), 2);
    assert.deepEqual(await registry.versions('clicks-value'), [1]);
    assert.deepEqual(await registry.versions('clicks-value', { deleted: true }), [1, 2]);
    assert.deepEqual(await registry.deleteSubject('clicks-value'), [1]);
    assert.deepEqual(await registry.listSubjects(), []);
    assert.deepEqual(await registry.listSubjects({ deleted: true }), ['clicks-value']);
    await rejectsWith(registry.latestVersion('clicks-value'), SchemaRegistryErrorCode.SUBJECT_NOT_FOUND);
    assert.deepEqual(await registry.deleteSubject('clicks-value', { permanent: true }), [1, 2]);
    assert.deepEqual(await registry.listSubjects({ deleted: true }), []);
    assert.deepEqual(JSON.parse((await registry.schemaById(id1)).schema), JSON.parse(V1), 'cached: an id never changes meaning');
  });

  it('reads and sets the global and per-subject compatibility levels', async () => {
    const registry = client();
    assert.equal(await registry.getCompatibility(), 'BACKWARD');
    await registry.register('levels-value', { schema: V1 });
    await rejectsWith(registry.getCompatibility('levels-value'), SchemaRegistryErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
    assert.equal(await registry.getCompatibility('levels-value', { defaultToGlobal: true }), 'BACKWARD');
    assert.equal(await registry.setCompatibility('FORWARD_TRANSITIVE', 'levels-value'), 'FORWARD_TRANSITIVE');
    assert.equal(await registry.getCompatibility('levels-value'), 'FORWARD_TRANSITIVE');
    assert.equal(await registry.getCompatibility(), 'BACKWARD', 'the global level is untouched');
    assert.equal(await registry.deleteCompatibility('levels-value'), 'FORWARD_TRANSITIVE');
    await rejectsWith(registry.getCompatibility('levels-value'), SchemaRegistryErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED);
    assert.equal(await registry.setCompatibility('NONE'), 'NONE');
    assert.equal(await registry.getCompatibility(), 'NONE');
    assert.equal(await registry.setCompatibility('BACKWARD'), 'BACKWARD');
  });

  it('authenticates with basic auth from the URL, the option and sluice schemas\' environment variable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-registry-auth-'));
    const users = path.join(dir, 'users.properties');
    fs.writeFileSync(users, 'etl: s3cret:x,admin\n');
    const secured = await startBrokerRegistry(env().broker.broker, { port: 0, usersFile: users });
    try {
      const url = secured.url;
      await rejectsWith(new HttpSchemaRegistry(url, { maxRetries: 0 }).listSubjects(), 401);
      assert.ok(Array.isArray(await new HttpSchemaRegistry(url.replace('://', '://etl:s3cret%3Ax@'), { maxRetries: 0 }).listSubjects()));
      assert.ok(Array.isArray(await new HttpSchemaRegistry(url, { maxRetries: 0, basicAuth: 'etl:s3cret:x' }).listSubjects()));
      await rejectsWith(new HttpSchemaRegistry(url, { maxRetries: 0, basicAuth: 'etl:wrong' }).listSubjects(), 401);

      const lines: string[] = [];
      const io = { out: (t: string) => void lines.push(`out ${t}`), err: (t: string) => void lines.push(`err ${t}`) };
      process.env.SLUICE_REGISTRY_BASIC_AUTH = 'etl:s3cret:x';
      try {
        assert.equal(await runCli(['schemas', 'config', '--registry', url, '--retries', '0'], io), 0, lines.join('\n'));
      } finally {
        delete process.env.SLUICE_REGISTRY_BASIC_AUTH;
      }
      assert.equal(await runCli(['schemas', 'config', '--registry', url, '--retries', '0'], io), 1);
      assert.equal(lines[0], 'out global\tBACKWARD');
      assert.match(lines[1], /^err sluice schemas config: .*\(error code 401\)$/);
      assert.equal(lines.length, 2);
    } finally {
      await secured.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
