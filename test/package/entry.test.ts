import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { REPO, writeJob } from '../helpers/page-views';

/** The package as a user's `require('sluice')` gets it: through package.json's "main", from the build. */
type Sluice = typeof import('../../src/index');

describe('the package entry (package.json "main")', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { main: string; types: string };

  it('names built files that exist: the library and its type declarations', () => {
    assert.equal(require.resolve(REPO), path.join(REPO, manifest.main));
    assert.ok(fs.existsSync(path.join(REPO, manifest.types)), `${manifest.types} is missing: run npm run build`);
  });

  it('runs a broker, produces with the client, loads a job into a sink, verifies and lists it, all from the entry', async () => {
    const sluice = require(REPO) as Sluice;
    const broker = await sluice.Broker.start({ dataDir: path.join(tmp(), 'broker'), port: 0 });
    const client = await sluice.KafkaClient.connect(`127.0.0.1:${broker.port}`);
    try {
      await client.createTopic('page_views', 2);
      const start = Date.parse('2026-11-21T10:00:00Z');
      for (const partition of [0, 1]) {
        const records = Array.from({ length: 50 }, (_, i) => {
          const ts = start + i * 60_000;
          const view = { ts, user_id: `u${i}`, session_id: `s${i}`, page: '/', referrer: null, user_agent: 'test', duration_ms: i, country: 'FR' };
          return { key: Buffer.from(view.user_id), value: Buffer.from(JSON.stringify(view)), timestamp: ts };
        });
        await client.produce('page_views', partition, sluice.buildRecordBatch(records));
      }

      const job = sluice.loadJobDefinition(writeJob(tmp(), { output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, `127.0.0.1:${broker.port}`));
      const summary = await sluice.runLoad(job);
      assert.equal(summary.committed.reduce((n, range) => n + range.records, 0), 100);

      const report = await sluice.verifyTable(job, sluice.openTable(job.output.sink, job.output.table));
      assert.ok(report.ok, report.problems.join('\n'));
      assert.deepEqual([...report.hours], [['2026-11-21T10', 100]]);

      const sink = sluice.openSink(job.output.sink);
      const files = (await sink.list('page_views/dt=2026-11-21/hr=10')).filter((entry) => entry.path.endsWith('.avro'));
      assert.ok(files.length > 0, 'no Avro file in the hour directory');
      await assert.rejects(sink.writeFile(files[0].path, Buffer.from('x')), sluice.SinkFileExistsError, 'a sink never overwrites');
    } finally {
      client.close();
      await broker.stop();
    }
  });
});
