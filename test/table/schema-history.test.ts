import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { WebHdfsSink } from '../../connectors/sinks/webhdfs-sink';
import { startWebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import type { AvroSchemaObject } from '../../src/formats/record-file-writer';
import type { Sink } from '../../src/ports/sink';
import { evolveTableSchema, SchemaEvolutionError } from '../../src/table/schema-evolution';
import { generationAt } from '../../src/table/schema-history';
import { TableState } from '../../src/table/table-state';
import { useTempDir } from '../helpers/temp-dir';

const v1: AvroSchemaObject = { type: 'record', name: 'Event', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: 'int' }] };
const v2: AvroSchemaObject = { ...v1, fields: [...v1.fields!, { name: 'plan', type: 'string', default: 'free' }] };
const v3: AvroSchemaObject = { ...v2, fields: [...v2.fields!, { name: 'tier', type: 'string' }] };
const reader = (schema: AvroSchemaObject, source = 'event.avsc') => ({ schema, source });

async function locked(sink: Sink, runId: string, partitions: number[]): Promise<{ table: TableState; release: () => Promise<void> }> {
  const table = new TableState(sink, 'events');
  return { table, release: await table.lock(runId, 60_000, partitions) };
}

describe('table: the schema history under _sluice/schemas/', () => {
  const tmp = useTempDir();

  for (const kind of ['local', 'webhdfs'] as const) {
    it(`${kind}: generations with their per-partition starts, shards adding theirs, incompatible schemas refused (nothing written)`, async () => {
      const emulator = kind === 'webhdfs' ? await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') }) : null;
      try {
        const sink: Sink = emulator ? new WebHdfsSink(`webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`) : new LocalSink(path.join(tmp(), 'warehouse'));
        const a = await locked(sink, 'run-a', [0, 1]);
        const first = await evolveTableSchema(a.table, reader(v1), new Map([[0, 0], [1, 0]]), 'run-a');
        assert.equal(first.generation.generation, 1);
        assert.equal(first.replaced, null);
        // The same schema again: no new generation.
        assert.equal((await evolveTableSchema(a.table, reader(v1), new Map([[0, 10], [1, 12]]), 'run-a')).generation.generation, 1);
        const second = await evolveTableSchema(a.table, reader(v2), new Map([[0, 10], [1, 12]]), 'run-a');
        assert.equal(second.generation.generation, 2);
        assert.equal(second.replaced?.generation, 1);
        await a.release();

        // Another shard reaches generation 2 later in its own partition; it may not write starts for partitions it did not lock.
        const b = await locked(sink, 'run-b', [2]);
        await evolveTableSchema(b.table, reader(v2), new Map([[2, 40]]), 'run-b');
        await assert.rejects(b.table.writeSchemaStart(2, { partition: 0, offset: 99, runId: 'run-b', recordedAt: '' }), /not locked by this run/);
        const before = await b.table.schemaHistory();
        await assert.rejects(evolveTableSchema(b.table, reader(v3), new Map([[2, 50]]), 'run-b'), (error: Error) => {
          assert.ok(error instanceof SchemaEvolutionError);
          assert.equal(error.rule, 'BACKWARD_TRANSITIVE');
          assert.equal(error.writerGeneration, 1);
          assert.deepEqual(error.incompatibilities.map((i) => [i.type, i.field]), [['READER_FIELD_MISSING_DEFAULT_VALUE', 'tier']]);
          return true;
        });
        await b.release();

        const history = await new TableState(sink, 'events').schemaHistory();
        assert.deepEqual(history, before, 'the refused schema wrote nothing');
        assert.deepEqual(history.map((g) => [g.generation, [...g.starts].sort()]), [[1, [[0, 0], [1, 0]]], [2, [[0, 10], [1, 12], [2, 40]]]]);
        assert.deepEqual(history[1].schema, v2);
        assert.equal(generationAt(history, 0, 9)?.generation, 1);
        assert.equal(generationAt(history, 0, 10)?.generation, 2);
        assert.equal(generationAt(history, 2, 39)?.generation, 1, 'before its start in a partition, the older generation');
      } finally {
        await emulator?.close();
      }
    });
  }

  it('a table loaded before the history existed: generation 1 is adopted from its first committed offsets', async () => {
    const sink = new LocalSink(path.join(tmp(), 'warehouse'));
    const { table, release } = await locked(sink, 'run-new', [0, 1]);
    const legacy = { partition: 0, start: 5, end: 25, runId: 'run-old', committedAt: new Date().toISOString(), records: 20, badRecords: 0, files: [] };
    const base = await table.partitionSummary(0);
    assert.ok(await table.writeCheckpoint(legacy));
    await table.recordCheckpoints(0, base, [legacy]);
    const { generation } = await evolveTableSchema(table, reader(v1), new Map([[0, 25], [1, 0]]), 'run-new');
    await release();
    assert.equal(generation.adopted, true);
    assert.deepEqual([...generation.starts].sort(), [[0, 5], [1, 0]]);
    const [stored] = await table.schemaHistory();
    assert.equal(stored.adopted, true);
  });

  it('two shards creating the same generation at once end with one, and each its starts', async () => {
    const sink = new LocalSink(path.join(tmp(), 'warehouse'));
    const a = await locked(sink, 'run-a', [0]);
    const b = await locked(sink, 'run-b', [1]);
    const [ea, eb] = await Promise.all([
      evolveTableSchema(a.table, reader(v1), new Map([[0, 0]]), 'run-a'),
      evolveTableSchema(b.table, reader(v1), new Map([[1, 5]]), 'run-b'),
    ]);
    assert.equal(ea.generation.generation, 1);
    assert.equal(eb.generation.generation, 1);
    const history = await a.table.schemaHistory();
    assert.equal(history.length, 1);
    assert.deepEqual([...history[0].starts].sort(), [[0, 0], [1, 5]]);
  });
});
