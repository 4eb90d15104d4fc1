import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';

describe('the first run (npm start → sluice demo)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('loads every example job from an embedded broker into a local warehouse and answers a sample query', async () => {
    const result = await run(process.execPath, [SLUICE_BIN, 'demo', '--dir', tmp()]);
    assert.equal(result.code, 0, result.stderr);
    const produced = /produced (\d+) events .*: page_views (\d+), searches (\d+), clicks (\d+)/.exec(result.stdout);
    assert.ok(produced, result.stdout);
    for (const job of ['page_views_hourly', 'searches_hourly', 'clicks_hourly']) assert.match(result.stdout, new RegExp(`${job} \\(`));
    const loaded = [...result.stdout.matchAll(/records per hour \(UTC, 2026-11-21\): ([^;]+); verify OK/g)].map((m) =>
      m[1].split(', ').reduce((sum, entry) => sum + Number(entry.split(' ')[1]), 0));
    assert.deepEqual(loaded.sort((a, b) => a - b), [Number(produced[3]), Number(produced[4]), Number(produced[2])].sort((a, b) => a - b), 'every event loaded, per table');
    const warehouse = path.join(tmp(), 'warehouse');
    const files = listFiles(warehouse);
    for (const table of ['page_views', 'searches', 'clicks']) {
      assert.ok(files.some((f) => new RegExp(`^${table}/(parquet/)?dt=2026-11-21/hr=06/.+\\.parquet$`).test(f)), `${table} has Parquet files`);
    }
    assert.ok(files.some((f) => /^clicks\/avro\/dt=2026-11-21\/hr=07\/.+\.avro$/.test(f)));
    const rows = result.stdout.split('sample query')[1].trim().split('\n').filter((l) => /^2026-11-21 {2}0\d {2}/.test(l.replace(/ +/g, '  ')));
    assert.ok(rows.length >= 9, `the query printed ${rows.length} rows`);
  });
});
