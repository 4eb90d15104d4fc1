import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ImportEdge, importCycles, importGraph } from './import-graph';

/**
 * The dependency rules of docs/DESIGN.md ("Dependencies"), read from the source (not dist/), type-only
 * imports included: a type imported is a dependency of the design even though it is gone at run time.
 */
const REPO = path.resolve(__dirname, '../../..');
const graph = importGraph(REPO, ['src', 'connectors', 'bin']);

const under = (dir: string) => (module: string) => module.startsWith(`${dir}/`);
const isConnector = under('connectors');
const isSrc = under('src');

/** What connectors/ may use of src/: the ports it implements and the layers that talk Kafka or write files. */
const CONNECTOR_LAYERS = ['src/ports', 'src/protocol', 'src/client', 'src/formats'];
const inConnectorLayers = (module: string) => CONNECTOR_LAYERS.some((dir) => under(dir)(module));

/** Tools that read tables; what they may still take from src/pipeline, and why. */
const READERS = ['src/analyst', 'src/status', 'src/schedule'];
const PIPELINE_ALLOWED_TO_READERS: Record<string, string[]> = {
  // What a job is (jobs/*.json): every tool reads it, none of it writes.
  'src/pipeline/job-definition.ts': READERS,
  // Starting a run is what the scheduler is for; it goes through the run's entry point only.
  'src/pipeline/load-job.ts': ['src/schedule'],
};

function show(edges: ImportEdge[]): string {
  return edges.map((e) => `  ${e.from} -> ${e.to}${e.typeOnly ? ' (type only)' : ''}`).join('\n');
}

function assertNone(edges: ImportEdge[], rule: string): void {
  assert.equal(edges.length, 0, `${rule}; ${edges.length} import(s) break it:\n${show(edges)}`);
}

describe('module dependencies (src/, connectors/, bin/)', () => {
  it('reads the real graph: every relative import resolves, and imports known to exist are found', () => {
    assert.deepEqual(graph.unresolved, [], 'relative imports naming no file');
    assert.ok(graph.modules.length > 100, `only ${graph.modules.length} modules found`);
    const has = (from: string, to: string, typeOnly: boolean) =>
      graph.edges.some((e) => e.from === from && e.to === to && e.typeOnly === typeOnly);
    assert.ok(has('bin/sluice.js', 'src/cli/main.ts', false), 'bin reaches the CLI through dist/');
    assert.ok(has('src/connector-factory.ts', 'connectors/sinks/local-sink.ts', false));
    assert.ok(has('connectors/webhdfs/errors.ts', 'src/ports/webhdfs-wire.ts', true), 'import type is an edge, marked type only');
  });

  it('has no import cycle', () => {
    const cycles = importCycles(graph.modules, graph.edges);
    const text = cycles.map((cycle) => `  ${cycle.join(' -> ')}`).join('\n');
    assert.equal(cycles.length, 0, `${cycles.length} import cycle(s):\n${text}`);
  });

  it('src/ reaches connectors/ only through src/connector-factory.ts', () => {
    const edges = graph.edges.filter((e) => isSrc(e.from) && isConnector(e.to) && e.from !== 'src/connector-factory.ts');
    assertNone(edges, 'only src/connector-factory.ts may import connectors/');
  });

  it('connectors/ uses only ports, protocol, client and formats of src/', () => {
    const edges = graph.edges.filter((e) => isConnector(e.from) && isSrc(e.to) && !inConnectorLayers(e.to));
    assertNone(edges, `connectors/ may import only ${CONNECTOR_LAYERS.join(', ')}`);
  });

  it('the layers connectors/ uses import nothing else of src/ (so nothing reaches further through them)', () => {
    const edges = graph.edges.filter((e) => inConnectorLayers(e.from) && (isConnector(e.to) || (isSrc(e.to) && !inConnectorLayers(e.to))));
    assertNone(edges, `${CONNECTOR_LAYERS.join(', ')} may import only each other`);
  });

  it('src/index.ts is only the package entry: no module imports it', () => {
    assertNone(graph.edges.filter((e) => e.to === 'src/index.ts'), 'src/index.ts gathers the public API and must not be imported from inside');
  });

  it('analyst, status and schedule do not import the write pipeline', () => {
    const edges = graph.edges.filter((e) => {
      const reader = READERS.find((dir) => under(dir)(e.from));
      if (!reader || !under('src/pipeline')(e.to)) return false;
      return !(PIPELINE_ALLOWED_TO_READERS[e.to] ?? []).includes(reader);
    });
    assertNone(edges, `${READERS.join(', ')} may take from src/pipeline only ${Object.keys(PIPELINE_ALLOWED_TO_READERS).join(', ')}`);
  });
});

describe('import cycle finder', () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: false });

  it('finds each cycle once, as a path round it, and none in a graph without one', () => {
    const modules = ['a', 'b', 'c', 'd', 'e', 'f'];
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('d', 'e'), edge('e', 'd'), edge('f', 'f')];
    assert.deepEqual(
      importCycles(modules, edges).map((cycle) => cycle.join('>')).sort(),
      ['a>b>c>a', 'd>e>d', 'f>f'],
    );
    assert.deepEqual(importCycles(modules, [edge('a', 'b'), edge('b', 'c'), edge('a', 'c'), edge('d', 'a')]), []);
  });

  it('walks a 20,000-module chain that closes on itself without overflowing the stack', () => {
    const modules = Array.from({ length: 20_000 }, (_, i) => `m${i}`);
    const edges = modules.map((m, i) => edge(m, modules[(i + 1) % modules.length]));
    const [cycle] = importCycles(modules, edges);
    assert.equal(cycle.length, 20_001);
    assert.equal(cycle[0], cycle[cycle.length - 1]);
  });
});
