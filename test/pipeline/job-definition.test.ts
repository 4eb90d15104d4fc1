import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAvroSchema } from '../../src/formats/avro-schema';
import { JobDefinitionError, loadJobDefinition } from '../../src/job/job-definition';
import { makeRecordDecoder } from '../../src/pipeline/record-decoder';
import { useTempDir } from '../helpers/temp-dir';

const REPO = path.resolve(__dirname, '../../..');

/** A record schema with one field per kind of time field a job may name, or may not. */
const TIMES_SCHEMA = {
  type: 'record',
  name: 'Times',
  fields: [
    { name: 'millis', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'micros', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'plain_int', type: 'int' },
    { name: 'iso', type: 'string' },
    { name: 'maybe', type: ['null', 'long'], default: null },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'flag', type: 'boolean' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b'] } },
    { name: 'mixed', type: ['long', 'string'] },
  ],
};

describe('job definitions', () => {
  const tmp = useTempDir();

  function write(job: unknown, name = 'job.json'): string {
    fs.mkdirSync(path.join(tmp(), 'jobs'), { recursive: true });
    fs.mkdirSync(path.join(tmp(), 'schemas'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'schemas/page_view.avsc'), path.join(tmp(), 'schemas/page_view.avsc'));
    fs.writeFileSync(path.join(tmp(), 'schemas/times.avsc'), JSON.stringify(TIMES_SCHEMA));
    const file = path.join(tmp(), 'jobs', name);
    fs.writeFileSync(file, typeof job === 'string' ? job : JSON.stringify(job));
    return file;
  }

  const minimal = { name: 'pv', source: { topic: 'page_views' }, value: { format: 'json', schema: '../schemas/page_view.avsc' }, output: { sink: 'out', table: 'page_views' } };
  const withTime = (field: string) => ({ ...minimal, value: { format: 'json', schema: '../schemas/times.avsc' }, time: { field } });
  const failure = (job: unknown) => {
    try {
      loadJobDefinition(write(job));
    } catch (error) {
      assert.ok(error instanceof JobDefinitionError, String(error));
      return error.message;
    }
    assert.fail('the job was accepted');
  };

  it('loads the example jobs with defaults filled in and their paths taken from jobs/', () => {
    const job = loadJobDefinition(path.join(REPO, 'jobs/page_views.json'));
    assert.equal(job.source.topic, 'page_views');
    assert.deepEqual(job.output.formats, ['avro', 'parquet']);
    assert.equal(job.time.field, 'ts');
    assert.equal(job.value.schema, path.join(REPO, 'schemas/page_view.avsc'));
    assert.equal(job.output.sink, path.join(REPO, 'warehouse'), 'the README\'s warehouse/ beside jobs/, wherever the command runs');
    for (const name of ['clicks', 'searches']) assert.equal(loadJobDefinition(path.join(REPO, `jobs/${name}.json`)).output.sink, path.join(REPO, 'warehouse'));
    const small = loadJobDefinition(write(minimal));
    assert.equal(small.source.bootstrap, '127.0.0.1:9092');
    assert.equal(small.time.timezone, 'UTC');
    assert.equal(small.time.field, null, 'the Kafka record timestamp by default');
    assert.deepEqual(small.output.formats, ['avro']);
    assert.equal(small.badRecords.maxPercent, 0);
    assert.equal(small.source.isolationLevel, 'read_committed', 'loads read committed data only unless told otherwise');
    assert.equal(loadJobDefinition(write({ ...minimal, source: { topic: 't', isolationLevel: 'read_uncommitted' } })).source.isolationLevel, 'read_uncommitted');
  });

  it('takes every relative path from the job file\'s directory, whatever the current directory', () => {
    const elsewhere = fs.mkdtempSync(path.join(tmp(), 'cwd-'));
    const cwd = process.cwd();
    process.chdir(elsewhere);
    try {
      const job = loadJobDefinition(write({ ...minimal, output: { sink: '../warehouse', table: 't' } }));
      assert.equal(job.output.sink, path.join(tmp(), 'warehouse'));
      assert.equal(job.value.schema, path.join(tmp(), 'schemas/page_view.avsc'));
      const nested = loadJobDefinition(write({ ...minimal, output: { sink: 'out/wh', table: 't' } }));
      assert.equal(nested.output.sink, path.join(tmp(), 'jobs/out/wh'));
    } finally {
      process.chdir(cwd);
    }
    const absolute = path.join(tmp(), 'abs');
    assert.equal(loadJobDefinition(write({ ...minimal, output: { sink: absolute, table: 't' } })).output.sink, absolute);
    for (const url of ['webhdfs://nn1:9870,nn2:9870/data?user.name=etl', 'file:///srv/warehouse', 'http://nn:9870/webhdfs/v1/w']) {
      assert.equal(loadJobDefinition(write({ ...minimal, output: { sink: url, table: 't' } })).output.sink, url, 'URLs stay as written');
    }
  });

  it('says how to write a schema path that was relative to the jobs folder\'s parent', () => {
    assert.match(failure({ ...minimal, value: { format: 'json', schema: 'schemas/page_view.avsc' } }),
      /job\.json: value\.schema: no schema file at .*jobs\/schemas\/page_view\.avsc; relative paths start from the job file's directory, so write "\.\.\/schemas\/page_view\.avsc"/);
  });

  const typos: [string, unknown, string][] = [
    ['output.fromats', { ...minimal, output: { ...minimal.output, fromats: ['parquet'] } }, 'output.formats'],
    ['time.feild', { ...minimal, time: { feild: 'ts' } }, 'time.field'],
    ['limits.maxDurationSecond', { ...minimal, limits: { maxDurationSecond: 60 } }, 'limits.maxDurationSeconds'],
    ['source.topc', { ...minimal, source: { topc: 'page_views' } }, 'source.topic'],
    ['files.maxrecords', { ...minimal, files: { maxrecords: 10 } }, 'files.maxRecords'],
    ['completeness.idlePartition', { ...minimal, completeness: { idlePartition: 'hold' } }, 'completeness.idlePartitions'],
    ['metadataColumn', { ...minimal, metadataColumn: ['key'] }, 'metadataColumns'],
    ['output.timezone', { ...minimal, output: { ...minimal.output, timezone: 'UTC' } }, 'time.timezone'],
  ];
  for (const [typo, job, suggestion] of typos) {
    it(`names the unknown key ${typo} with its file and the nearest known key`, () => {
      const message = failure(job);
      assert.ok(message.startsWith(path.join(tmp(), 'jobs', 'job.json')), message);
      assert.equal(message.slice(message.indexOf(': ') + 2), `${typo}: unknown key; did you mean ${suggestion}?`);
    });
  }

  it('lists the known keys when no known key is near, and reports an unknown key before a missing one', () => {
    assert.match(failure({ ...minimal, colour: 'red' }), /job\.json: colour: unknown key \(known: name, source, value, key, output, time, .*completeness.*\)$/);
    assert.match(failure({ ...minimal, badRecords: { tolerance: 3 } }), /badRecords\.tolerance: unknown key \(known in badRecords: maxPercent\)$/);
    assert.match(failure({ ...minimal, source: { topc: 'x' } }), /source\.topc: unknown key; did you mean source\.topic\?$/, 'not "source.topic: is required"');
  });

  const broken: [string, unknown, RegExp][] = [
    ['a bad format', { ...minimal, output: { ...minimal.output, formats: ['avro', 'orc'] } }, /job\.json: output\.formats\[1\]: must be one of "avro", "parquet", not "orc"/],
    ['no formats', { ...minimal, output: { ...minimal.output, formats: [] } }, /output\.formats: must be a list with at least one entry of "avro", "parquet"/],
    ['formats not a list', { ...minimal, output: { ...minimal.output, formats: 'parquet' } }, /output\.formats: must be a list/],
    ['a missing topic', { ...minimal, source: {} }, /job\.json: source\.topic: is required/],
    ['an illegal topic name', { ...minimal, source: { topic: 'page/views' } }, /source\.topic: .*may only contain ASCII letters, digits/],
    ['a bootstrap without a usable port', { ...minimal, source: { topic: 't', bootstrap: 'kafka1:9092,kafka2:99999' } }, /source\.bootstrap: "kafka2:99999" is not host:port/],
    ['an isolation level Kafka does not have', { ...minimal, source: { topic: 't', isolationLevel: 'read-committed' } }, /source\.isolationLevel: must be one of "read_committed", "read_uncommitted", not "read-committed"/],
    ['a bootstrap that is a number', { ...minimal, source: { topic: 't', bootstrap: 9092 } }, /source\.bootstrap: must be a non-empty string, not 9092/],
    ['a missing section', { ...minimal, output: undefined }, /job\.json: output: is required/],
    ['a section that is not an object', { ...minimal, time: 'UTC' }, /job\.json: time: must be an object/],
    ['a missing value format', { ...minimal, value: { schema: '../schemas/page_view.avsc' } }, /value\.format: is required: one of "json", "avro"/],
    ['a missing schema file', { ...minimal, value: { format: 'json', schema: '../schemas/none.avsc' } }, /value\.schema: no schema file at .*none\.avsc$/],
    ['an unknown time zone', { ...minimal, time: { timezone: 'Mars/Olympus' } }, /time\.timezone: unknown time zone "Mars\/Olympus"/],
    ['a time field that is not a string', { ...minimal, time: { field: 5 } }, /time\.field: must be a non-empty string, not 5/],
    ['a negative limit', { ...minimal, files: { maxRecords: -1 } }, /files\.maxRecords: must be a whole number from 1/],
    ['a fractional count', { ...minimal, files: { maxRecords: 2.5 } }, /files\.maxRecords: must be a whole number from 1 to \d+, not 2\.5/],
    ['a count given as a string', { ...minimal, limits: { maxRecordsPerPartition: '1000' } }, /limits\.maxRecordsPerPartition: must be a whole number from 1 to \d+, not "1000"/],
    ['too small files', { ...minimal, files: { maxBytes: 100 } }, /files\.maxBytes: must be a whole number from 1024/],
    ['a zero duration', { ...minimal, limits: { maxDurationSeconds: 0 } }, /limits\.maxDurationSeconds: must be a number from 0\.1 to 604800, not 0/],
    ['a percentage above 100', { ...minimal, badRecords: { maxPercent: 101 } }, /badRecords\.maxPercent: must be a number from 0 to 100, not 101/],
    ['too many worker threads', { ...minimal, workerThreads: 17 }, /workerThreads: must be a whole number from 0 to 16, not 17/],
    ['a fractional concurrency', { ...minimal, concurrency: 1.5 }, /concurrency: must be a whole number from 1 to 64, not 1\.5/],
    ['an unknown metadata column', { ...minimal, metadataColumns: ['key', 'headers'] }, /metadataColumns\[1\]: must be one of "partition", "offset", "timestamp", "key", "topic", not "headers"/],
    ['an unknown codec', { ...minimal, output: { ...minimal.output, avroCodec: 'zstd' } }, /output\.avroCodec: must be one of "null", "deflate", "snappy", not "zstd"/],
    ['an unknown idle rule', { ...minimal, completeness: { idlePartitions: 'wait' } }, /completeness\.idlePartitions: must be one of "advance", "hold", not "wait"/],
    ['a schedule that is not a string', { ...minimal, schedule: 5 }, /job\.json: schedule: must be a non-empty string, not 5/],
    ['an empty sink', { ...minimal, output: { ...minimal.output, sink: '' } }, /output\.sink: must be a non-empty string, not ""/],
    ['a bad table name', { ...minimal, output: { ...minimal.output, table: 'page-views' } }, /output\.table: must be a Hive table name/],
    ['broken JSON', '{"name": ', /job\.json:1:10: not valid JSON: the text ends where a value should be/],
    ['a list instead of an object', '[1]', /job\.json: must hold a JSON object/],
  ];
  for (const [what, job, message] of broken) {
    it(`names the file and key for ${what}`, () => {
      assert.match(failure(job), message);
    });
  }

  it('checks that time.field is a field of the value schema with a type that holds a time', () => {
    assert.match(failure({ ...minimal, time: { field: 'tss' } }),
      /job\.json: time\.field: "tss" is not a field of the schema \(its fields: ts, user_id, session_id, page, referrer, user_agent, duration_ms, country\) \(.*page_view\.avsc\)$/);
    for (const usable of ['millis', 'micros', 'plain_int', 'iso', 'maybe']) assert.equal(loadJobDefinition(write(withTime(usable))).time.field, usable);
    assert.match(failure(withTime('day')), /time\.field: "day" has logical type date, which is not an instant/);
    assert.match(failure(withTime('flag')), /time\.field: "flag" has type "boolean"; a time field is an int or long .* or a string holding an ISO time/);
    assert.match(failure(withTime('kind')), /time\.field: "kind" has type \{"type":"enum"/);
    assert.match(failure(withTime('mixed')), /time\.field: "mixed" has type \["long","string"\]: a union of branches read in different units/);
  });

  it('reports a schema file that is not a usable Avro schema under value.schema', () => {
    fs.mkdirSync(path.join(tmp(), 'schemas'), { recursive: true });
    fs.writeFileSync(path.join(tmp(), 'schemas/broken.avsc'), '{"type": "record", "name": "X", "fields": [ }');
    assert.match(failure({ ...minimal, value: { format: 'json', schema: '../schemas/broken.avsc' } }), /job\.json: value\.schema: .*broken\.avsc: invalid JSON at line 1/);
  });

  it('reads a timestamp-micros field as microseconds and every other number as milliseconds', () => {
    const at = Date.parse('2026-11-21T05:30:00.123Z');
    const decode = (field: string, value: Record<string, unknown>) => {
      const job = loadJobDefinition(write(withTime(field)));
      const record = { offset: 0, timestamp: 0, key: null, headers: [], value: Buffer.from(JSON.stringify(value)) };
      return makeRecordDecoder(job, loadAvroSchema(job.value.schema))(record, 0).eventTime;
    };
    const row = { millis: at, micros: at * 1000 + 456, plain_int: 7, iso: '2026-11-21T05:30:00.123Z', maybe: null, day: 1, flag: true, kind: 'a', mixed: 1 };
    assert.equal(decode('micros', row), at);
    assert.equal(decode('millis', row), at);
    assert.equal(decode('iso', row), at);
    assert.equal(decode('plain_int', row), 7);
  });
});
