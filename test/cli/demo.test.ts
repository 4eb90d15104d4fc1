import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles, REPO } from '../helpers/page-views';
import { run } from '../helpers/processes';

describe('the first run (npm start → sluice demo)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('loads every example job from an embedded broker into a local warehouse, page views into HDFS through the WebHDFS emulator, and answers a sample query', async () => {
    // Exactly what the README tells a new user to run, only with the output directory moved aside.
    const result = await run('npm', ['start', '--silent', '--', '--dir', tmp()], undefined, { cwd: REPO });
    assert.equal(result.code, 0, result.stderr);
    const produced = /produced (\d+) events .*: page_views (\d+), searches (\d+), clicks (\d+)/.exec(result.stdout);
    assert.ok(produced, result.stdout);
    for (const job of ['page_views_hourly', 'searches_hourly', 'clicks_hourly']) assert.match(result.stdout, new RegExp(`${job} \\(`));
    const loaded = [...result.stdout.matchAll(/records per hour \(UTC, 2026-11-21\): ([^;]+); verify OK/g)].map((m) =>
      m[1].split(', ').reduce((sum, entry) => sum + Number(entry.split(' ')[1]), 0));
    assert.equal(loaded.length, 4, 'three local tables and the HDFS one');
    const hdfsLoaded = loaded.pop()!;
    assert.equal(hdfsLoaded, Number(produced[2]), 'every page view loaded into HDFS');
    assert.deepEqual(loaded.sort((a, b) => a - b), [Number(produced[3]), Number(produced[4]), Number(produced[2])].sort((a, b) => a - b), 'every event loaded, per table');
    assert.match(result.stdout, /\nweb console: http:\/\/127\.0\.0\.1:\d+\/ \(closed now/, 'the console over the demo, closed since stdout is no terminal');
    assert.match(result.stdout, /page_views → webhdfs:\/\/127\.0\.0\.1:\d+\/warehouse\/page_views/);
    const hdfsFiles = listFiles(path.join(tmp(), 'hdfs', 'warehouse', 'page_views'));
    assert.ok(hdfsFiles.some((f) => /^parquet\/dt=2026-11-21\/hr=06\/.+\.parquet$/.test(f)) && hdfsFiles.some((f) => /^avro\/dt=2026-11-21\/hr=06\/.+\.avro$/.test(f)), hdfsFiles.join(' '));
    assert.ok(hdfsFiles.some((f) => /\/hr=06\/_SUCCESS$/.test(f)), 'a complete hour is marked in HDFS too');
    const warehouse = path.join(tmp(), 'warehouse');
    const files = listFiles(warehouse);
    for (const table of ['page_views', 'searches', 'clicks']) {
      assert.ok(files.some((f) => new RegExp(`^${table}/(parquet/)?dt=2026-11-21/hr=06/.+\\.parquet$`).test(f)), `${table} has Parquet files`);
    }
    assert.ok(files.some((f) => /^clicks\/avro\/dt=2026-11-21\/hr=07\/.+\.avro$/.test(f)));
    const rows = result.stdout.split('sample query')[1].trim().split('\n').filter((l) => /^2026-11-21 {2}0\d {2}/.test(l.replace(/ +/g, '  ')));
    assert.ok(rows.length >= 9, `the query printed ${rows.length} rows`);

    // The command the demo suggests reads the demo's own warehouse (its job copies say ../warehouse).
    const hint = /done: query it yourself with `cd (\S+) && node (\S+) query "([^"]+)" --jobs (\S+)`/.exec(result.stdout);
    assert.ok(hint, result.stdout);
    const cwd = path.resolve(REPO, hint[1]);
    const query = await run(process.execPath, [path.resolve(cwd, hint[2]), 'query', 'SELECT count(*) AS n FROM page_views', '--jobs', hint[4], '--format', 'json'], undefined, { cwd });
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout.trim()), { n: Number(produced[2]) });
  });
});
