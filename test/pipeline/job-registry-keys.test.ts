import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobDefinitionError, loadJobDefinition } from '../../src/job/job-definition';
import { useTempDir } from '../helpers/temp-dir';
import { REPO } from '../helpers/page-views';

describe('job definitions: Confluent-framed values and keys', () => {
  const tmp = useTempDir();
  const base = (value: unknown, extra: Record<string, unknown> = {}) => ({
    name: 'j', source: { bootstrap: 'kafka1:9092,kafka2:9092', topic: 'clicks' }, value, output: { sink: 'out', table: 't' }, ...extra,
  });
  const load = (job: unknown) => {
    fs.mkdirSync(path.join(tmp(), 'jobs'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'schemas/page_view.avsc'), path.join(tmp(), 'page_view.avsc'));
    const file = path.join(tmp(), 'jobs', 'j.json');
    fs.writeFileSync(file, JSON.stringify(job));
    return loadJobDefinition(file);
  };
  const failure = (job: unknown) => {
    try {
      load(job);
    } catch (error) {
      assert.ok(error instanceof JobDefinitionError, String(error));
      return error.message.slice(error.message.indexOf('j.json: ') + 8);
    }
    assert.fail('the job loaded');
  };

  it('reads registry URLs, "embedded" as port 8081 of the first bootstrap host, and the schema "latest" by default', () => {
    const job = load(base({ format: 'avro-confluent', registry: 'http://r1:8081/, https://r2:8443' }));
    assert.deepEqual(job.value, { format: 'avro-confluent', schema: 'latest', framed: { registry: { urls: ['http://r1:8081', 'https://r2:8443'], credentials: null }, subjectNameStrategy: 'TopicNameStrategy', recordName: null } });
    assert.deepEqual(job.key, { format: 'string', schema: null, framed: null });
    assert.deepEqual(load(base({ format: 'avro-confluent', registry: 'embedded' })).value.framed?.registry.urls, ['http://kafka1:8081']);
    const local = load(base({ format: 'avro-confluent', registry: 'embedded', schema: '../page_view.avsc', subjectNameStrategy: 'io.confluent.kafka.serializers.subject.RecordNameStrategy' }));
    assert.equal(local.value.schema, path.join(tmp(), 'page_view.avsc'));
    assert.equal(local.value.framed?.subjectNameStrategy, 'RecordNameStrategy');
  });

  it('takes basic auth from the URL or from an environment variable or file, never written in the job', () => {
    const fromUrl = load(base({ format: 'avro-confluent', registry: 'http://etl:s%40cret@r1:8081' })).value.framed?.registry;
    assert.deepEqual(fromUrl, { urls: ['http://r1:8081'], credentials: { source: 'URL', userInfo: 'etl:s@cret' } });
    const fromEnv = load(base({ format: 'avro-confluent', registry: 'embedded', registryAuth: { 'basic.auth.user.info.env': 'REG' } })).value.framed?.registry;
    assert.deepEqual(fromEnv?.credentials, { source: 'USER_INFO', env: 'REG' });
    const fromFile = load(base({ format: 'avro-confluent', registry: 'embedded', registryAuth: { 'basic.auth.user.info.file': '../reg.txt' } })).value.framed?.registry;
    assert.deepEqual(fromFile?.credentials, { source: 'USER_INFO', file: path.join(tmp(), 'reg.txt') });
    assert.match(failure(base({ format: 'avro-confluent', registry: 'embedded', registryAuth: { 'basic.auth.user.info': 'a:b' } })), /^value\.registryAuth\.basic\.auth\.user\.info: credentials must not be written in a job file/);
  });

  it('refuses what cannot work, naming the key', () => {
    assert.match(failure(base({ format: 'avro-confluent' })), /^value\.registry: is required with format "avro-confluent"/);
    assert.match(failure(base({ format: 'avro', schema: 'latest' })), /^value\.schema: "latest" needs format "avro-confluent"/);
    assert.match(failure(base({ format: 'avro', schema: '../page_view.avsc', registry: 'embedded' })), /^value\.registry: applies only to format "avro-confluent"/);
    assert.match(failure(base({ format: 'avro-confluent', registry: 'ftp://r:1' })), /^value\.registry: "ftp:\/\/r:1" must be an http:\/\/ or https:\/\/ URL$/);
    assert.match(failure(base({ format: 'avro-confluent', registry: 'embedded', subjectNameStrategy: 'RecordNameStrategy' })), /^value\.recordName: is required with subjectNameStrategy "RecordNameStrategy" and schema "latest"/);
    assert.match(failure(base({ format: 'avro-confluent', registry: 'embedded', subjectNameStrategy: 'Topic' })), /^value\.subjectNameStrategy: must be one of "TopicNameStrategy", "RecordNameStrategy"/);
    assert.match(failure(base({ format: 'avro-confluent', registry: 'embedded' }, { key: { format: 'avro-confluent' } })), /^key\.format: "avro-confluent" decodes the key into the _kafka_key column: add "key" to metadataColumns$/);
    assert.match(failure(base({ format: 'json', schema: '../page_view.avsc' }, { key: { format: 'avro-confluent' }, metadataColumns: ['key'] })), /^key\.registry: is required/);
  });

  it('gives framed keys the value\'s registry unless they name their own', () => {
    const job = load(base({ format: 'avro-confluent', registry: 'http://r1:8081' }, { key: { format: 'avro-confluent' }, metadataColumns: ['key'] }));
    assert.deepEqual(job.key, { format: 'avro-confluent', schema: 'latest', framed: { registry: { urls: ['http://r1:8081'], credentials: null }, subjectNameStrategy: 'TopicNameStrategy', recordName: null } });
    const own = load(base({ format: 'json', schema: '../page_view.avsc' }, { key: { format: 'avro-confluent', registry: 'http://k:8081' }, metadataColumns: ['key'] }));
    assert.deepEqual(own.key.framed?.registry.urls, ['http://k:8081']);
  });
});
