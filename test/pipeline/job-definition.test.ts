import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobDefinitionError, loadJobDefinition } from '../../src/job/job-definition';
import { useTempDir } from '../helpers/temp-dir';

const REPO = path.resolve(__dirname, '../../..');

describe('job definitions', () => {
  const tmp = useTempDir();

  function write(job: unknown): string {
    fs.mkdirSync(path.join(tmp(), 'jobs'), { recursive: true });
    fs.mkdirSync(path.join(tmp(), 'schemas'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'schemas/page_view.avsc'), path.join(tmp(), 'schemas/page_view.avsc'));
    const file = path.join(tmp(), 'jobs', 'job.json');
    fs.writeFileSync(file, typeof job === 'string' ? job : JSON.stringify(job));
    return file;
  }

  const minimal = { name: 'pv', source: { topic: 'page_views' }, value: { format: 'json', schema: 'schemas/page_view.avsc' }, output: { sink: 'out', table: 'page_views' } };

  it('loads the example job with defaults filled in', () => {
    const job = loadJobDefinition(path.join(REPO, 'jobs/page_views.json'));
    assert.equal(job.source.topic, 'page_views');
    assert.deepEqual(job.output.formats, ['avro', 'parquet']);
    assert.equal(job.time.field, 'ts');
    assert.equal(job.value.schema, path.join(REPO, 'schemas/page_view.avsc'));
    const small = loadJobDefinition(write(minimal));
    assert.equal(small.source.bootstrap, '127.0.0.1:9092');
    assert.equal(small.time.timezone, 'UTC');
    assert.equal(small.time.field, null, 'the Kafka record timestamp by default');
    assert.deepEqual(small.output.formats, ['avro']);
    assert.equal(small.badRecords.maxPercent, 0);
  });

  const broken: [string, unknown, RegExp][] = [
    ['unknown keys', { ...minimal, colour: 'red' }, /job\.json: colour: is not a known setting/],
    ['a bad format', { ...minimal, output: { ...minimal.output, formats: ['avro', 'orc'] } }, /job\.json: output\.formats\[1\]: must be one of "avro", "parquet", not "orc"/],
    ['a missing topic', { ...minimal, source: {} }, /job\.json: source\.topic: is required/],
    ['a missing schema file', { ...minimal, value: { format: 'json', schema: 'schemas/none.avsc' } }, /value\.schema: no schema file at .*none\.avsc/],
    ['an unknown time zone', { ...minimal, time: { timezone: 'Mars/Olympus' } }, /time\.timezone: unknown time zone "Mars\/Olympus"/],
    ['a negative limit', { ...minimal, files: { maxRecords: -1 } }, /files\.maxRecords: must be a number from 1/],
    ['a bad table name', { ...minimal, output: { ...minimal.output, table: 'page-views' } }, /output\.table: must be a Hive table name/],
    ['broken JSON', '{"name": ', /job\.json: cannot be read as JSON/],
  ];
  for (const [what, job, message] of broken) {
    it(`names the file and key for ${what}`, () => {
      assert.throws(() => loadJobDefinition(write(job)), (e: unknown) => e instanceof JobDefinitionError && message.test(e.message));
    });
  }
});
