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

describe("a load's worker threads load only what their job uses", () => {
  it('leave the API registry, the WebHDFS and registry clients, TLS and the unused Kafka codecs unloaded until a job asks for them', () => {
    // Each worker thread loads these modules before its first fetch, on the load's critical path (without this, 113
    // against 55 ms alone; 125-225 ms on two busy cores).
    const modules = ['src/connector-factory.js', 'src/pipeline/range-loader.js', 'src/pipeline/range-context.js', 'src/table/table-state.js', 'src/pipeline/file-writers.js', 'src/pipeline/worker-errors.js', 'src/job/registry-access.js'];
    const script = `${modules.map((m) => `require(${JSON.stringify(path.join(DIST, m))});`).join('')}
      const files = ['generated/api-schemas', 'sinks/webhdfs-sink', 'http-schema-registry', 'lz4-napi', 'node-zstd'];
      const loaded = () => [...files.filter((f) => Object.keys(require.cache).some((file) => file.includes(f))),
        ...['tls', 'http'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m))];
      const before = loaded();
      const { openSink, openSchemaRegistry } = require(${JSON.stringify(path.join(DIST, 'src/connector-factory.js'))});
      const { compressRecords, decompressRecords } = require(${JSON.stringify(path.join(DIST, 'src/protocol/compression.js'))});
      require(${JSON.stringify(path.join(DIST, 'src/protocol/codec/headers.js'))}); // the broker's request headers
      openSink('webhdfs://namenode:9870/warehouse');
      openSchemaRegistry('http://127.0.0.1:8081');
      const lz4 = decompressRecords(3, compressRecords(3, Buffer.from('page views'))).toString();
      const zstd = decompressRecords(4, compressRecords(4, Buffer.from('searches'))).toString();
      console.log(JSON.stringify({ before, after: loaded(), lz4, zstd }));`;
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { before: string[]; after: string[] };
    assert.deepEqual(seen, {
      before: [],
      after: ['generated/api-schemas', 'sinks/webhdfs-sink', 'http-schema-registry', 'lz4-napi', 'node-zstd', 'tls', 'http'],
      lz4: 'page views', zstd: 'searches',
    });
  });
});
