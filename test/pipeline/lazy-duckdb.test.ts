import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '../..');

describe('an Avro load does not load DuckDB', () => {
  it('the modules of a run and of its worker threads leave @duckdb/node-api unloaded until a Parquet writer is made', () => {
    // range-worker.ts starts working when loaded, so its imports are loaded instead (worker-errors.ts names the
    // Parquet writers' errors, and once loaded DuckDB's native module into every load: ~25 MB and ~60 ms a thread).
    const modules = ['src/pipeline/load-job.js', 'src/pipeline/worker-errors.js', 'src/pipeline/range-context.js', 'src/pipeline/range-loader.js', 'src/pipeline/file-writers.js'];
    const script = `${modules.map((m) => `require(${JSON.stringify(path.join(DIST, m))});`).join('')}
      const loaded = () => Object.keys(require.cache).some((file) => file.includes('@duckdb'));
      const before = loaded();
      require(${JSON.stringify(path.join(DIST, 'src/formats/parquet-file-writer.js'))});
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: boolean; after: boolean };
    assert.deepEqual(seen, { before: false, after: true });
  });
});
