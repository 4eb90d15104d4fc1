import { strict as assert } from 'node:assert';
import { recordSchema, registryCall, useBrokerRegistry } from '../helpers/registry-http';

const field = (name: string, type: unknown, defaultValue?: unknown) => (defaultValue === undefined ? { name, type } : { name, type, default: defaultValue });

describe('schema registry compatibility (BACKWARD, FORWARD, FULL, NONE and the transitive forms)', () => {
  const env = useBrokerRegistry();
  const call = (method: string, path: string, body?: unknown) => registryCall(env().url, method, path, body);
  const register = (subject: string, schema: string) => call('POST', `/subjects/${subject}/versions`, { schema });
  const setLevel = (subject: string, compatibility: string) => call('PUT', `/config/${subject}`, { compatibility });

  it('BACKWARD (the default): a new field needs a default, and the 409 names the rule and the field', async () => {
    assert.equal((await register('b', recordSchema('R', [field('a', 'string')]))).status, 200);
    const refused = await register('b', recordSchema('R', [field('a', 'string'), field('x', 'int')]));
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error_code, 409);
    assert.match(refused.body.message, /^Schema being registered is incompatible with an earlier schema for subject "b", details: \[BACKWARD: READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1: field x is not in the writer's schema and has no default/);
    assert.equal((await register('b', recordSchema('R', [field('a', 'string'), field('x', 'int', 7)]))).status, 200);
    assert.equal((await register('b', recordSchema('R', [field('x', 'long', 7)]))).status, 200, 'a removed field and int → long are backward compatible');
    assert.deepEqual((await call('GET', '/subjects/b/versions')).body, [1, 2, 3]);
  });

  it('FORWARD: old readers must read new data (removing a field without a default breaks it)', async () => {
    await setLevel('f', 'FORWARD');
    await register('f', recordSchema('R', [field('a', 'string'), field('b', 'int')]));
    const refused = await register('f', recordSchema('R', [field('a', 'string')]));
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /FORWARD: READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1: field b is not in the writer's schema and has no default \(version 1 reading data written with the new schema\)/);
    assert.equal((await register('f', recordSchema('R', [field('a', 'string'), field('b', 'int'), field('c', 'int')]))).status, 200, 'an added field is forward compatible');
  });

  it('FULL needs both directions; NONE accepts anything', async () => {
    await setLevel('full', 'FULL');
    await register('full', recordSchema('R', [field('a', 'string')]));
    assert.equal((await register('full', recordSchema('R', [field('a', 'string'), field('x', 'int')]))).status, 409);
    assert.equal((await register('full', recordSchema('R', [field('a', 'string'), field('x', 'int', 0)]))).status, 200);
    await setLevel('none', 'NONE');
    await register('none', recordSchema('R', [field('a', 'string')]));
    assert.equal((await register('none', recordSchema('R', [field('a', 'int'), field('x', 'int')]))).status, 200);
  });

  it('BACKWARD_TRANSITIVE checks every live earlier version where BACKWARD checks only the latest', async () => {
    const v1 = recordSchema('R', [field('a', 'string')]);
    const v2 = recordSchema('R', [field('a', 'string'), field('b', 'int', 0)]);
    const v3 = recordSchema('R', [field('a', 'string'), field('b', 'int')]);
    for (const [subject, level] of [['plain', 'BACKWARD'], ['trans', 'BACKWARD_TRANSITIVE']]) {
      await setLevel(subject, level);
      await register(subject, v1);
      await register(subject, v2);
    }
    assert.equal((await register('plain', v3)).status, 200, 'v3 reads v2 data');
    const refused = await register('trans', v3);
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /BACKWARD_TRANSITIVE: READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1: field b is not in the writer's schema and has no default \(the new schema reading data written with version 1\)/);
    await call('DELETE', '/subjects/trans/versions/1');
    assert.equal((await register('trans', v3)).status, 200, 'a soft-deleted version is not checked');
  });

  it('POST /compatibility answers is_compatible, with ?verbose=true the messages; against a version, latest, or as a register would', async () => {
    await register('c', recordSchema('R', [field('a', 'string'), field('e', { type: 'enum', name: 'E', symbols: ['X', 'Y'] })]));
    const narrowerEnum = recordSchema('R', [field('a', 'string'), field('e', { type: 'enum', name: 'E', symbols: ['X'] })]);
    assert.deepEqual((await call('POST', '/compatibility/subjects/c/versions/latest', { schema: narrowerEnum })).body, { is_compatible: false });
    const verbose = await call('POST', '/compatibility/subjects/c/versions/1?verbose=true', { schema: narrowerEnum });
    assert.equal(verbose.body.is_compatible, false);
    assert.match(verbose.body.messages[0], /^BACKWARD: MISSING_ENUM_SYMBOLS at \/fields\/1\/type\/symbols: the reader lacks the writer's symbols Y \(the new schema reading data written with version 1\)$/);
    const wrongType = recordSchema('R', [field('a', 'int'), field('e', { type: 'enum', name: 'E', symbols: ['X', 'Y'] })]);
    const typed = await call('POST', '/compatibility/subjects/c/versions?verbose=true', { schema: wrongType });
    assert.match(typed.body.messages[0], /^BACKWARD: TYPE_MISMATCH at \/fields\/0\/type: reader type int cannot read writer type string \(the new schema reading data written with version 1\)$/);
    const union = recordSchema('R', [field('a', ['null', 'int'], null), field('e', { type: 'enum', name: 'E', symbols: ['X', 'Y'] })]);
    assert.match((await call('POST', '/compatibility/subjects/c/versions/1?verbose=true', { schema: union })).body.messages[0], /^BACKWARD: MISSING_UNION_BRANCH at \/fields\/0\/type: reader union lacks a branch for the writer's string \(the new schema reading data written with version 1\)$/);
    const wider = recordSchema('R', [field('a', 'string'), field('e', { type: 'enum', name: 'E', symbols: ['X', 'Y', 'Z'] })]);
    assert.deepEqual((await call('POST', '/compatibility/subjects/c/versions/latest?verbose=true', { schema: wider })).body, { is_compatible: true, messages: [] });
    assert.deepEqual((await call('POST', '/compatibility/subjects/unknown/versions/latest', { schema: wider })).body, { is_compatible: true }, 'nothing to break');
    assert.equal((await call('POST', '/compatibility/subjects/c/versions/5', { schema: wider })).body.error_code, 40402);
    const invalid = await call('POST', '/compatibility/subjects/c/versions/latest?verbose=true', { schema: '{"type":"nope"}' });
    assert.deepEqual([invalid.status, invalid.body.is_compatible], [200, false]);
    assert.match(invalid.body.messages[0], /Invalid schema/);
    assert.equal((await call('POST', '/compatibility/subjects/c/versions/latest', { schema: '{"type":"nope"}' })).body.error_code, 42201);
  });
});
