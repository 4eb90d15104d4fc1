import { strict as assert } from 'node:assert';
import { Counter, Histogram, Registry } from 'prom-client';
import { TalliedCounter, TalliedHistogram } from '../../src/metrics/tallied-metrics';
import { nextRandom } from '../helpers/seeded-random';

const BUCKETS = [0.0001, 0.001, 0.01, 0.1, 1];

/** The page prom-client's own metric writes, with its name swapped for the tallied one's so the two can be compared. */
async function pages(observe: (ours: TalliedHistogram<'request'>, theirs: Histogram<'request'>) => void): Promise<[string, string]> {
  const oursRegistry = new Registry();
  const theirsRegistry = new Registry();
  const ours = new TalliedHistogram({ name: 'request_seconds', help: 'h', labelName: 'request', buckets: BUCKETS, registers: [oursRegistry] });
  const theirs = new Histogram({ name: 'request_seconds', help: 'h', labelNames: ['request'], buckets: BUCKETS, registers: [theirsRegistry] });
  observe(ours, theirs);
  return [await oursRegistry.metrics(), await theirsRegistry.metrics()];
}

describe('tallied metrics (counted in a Map, handed to prom-client at scrape)', () => {
  it('writes the same histogram page as prom-client\'s Histogram fed the same observations, bounds and +Inf included', async () => {
    const state = { seed: 16 };
    const random = () => nextRandom(state) / 2 ** 32;
    const apis = ['Produce', 'Fetch', 'Metadata'];
    const values = [0, 0.0001, 0.001, 0.5, 1, 7, ...Array.from({ length: 500 }, () => random() ** 4 * 3)];
    const [ours, theirs] = await pages((tallied, histogram) => {
      values.forEach((value, i) => {
        tallied.record(apis[i % 3], value);
        histogram.observe({ request: apis[i % 3] }, value);
      });
    });
    assert.match(ours, /request_seconds_bucket\{le="\+Inf",request="Fetch"\} 169/);
    assert.equal(ours, theirs);
  });

  it('writes an empty histogram as prom-client does, and forgets its figures on reset', async () => {
    const [empty, theirsEmpty] = await pages(() => undefined);
    assert.equal(empty, theirsEmpty);
    const [afterReset, theirsAfterReset] = await pages((tallied, histogram) => {
      tallied.record('Produce', 0.2);
      histogram.observe({ request: 'Produce' }, 0.2);
      tallied.reset();
      histogram.reset();
    });
    assert.equal(afterReset, theirsAfterReset);
  });

  it('adds a counter\'s increments at each scrape, and keeps the totals across scrapes', async () => {
    const registry = new Registry();
    const counter = new TalliedCounter({ name: 'bytes_total', help: 'h', labelName: 'topic', registers: [registry] });
    counter.add('clicks', 10);
    counter.add('clicks', 5);
    counter.add('views');
    const first = registry.getSingleMetric('bytes_total') as Counter<'topic'>;
    assert.deepEqual((await first.get()).values.map((v) => [v.labels.topic, v.value]), [['clicks', 15], ['views', 1]]);
    counter.add('clicks', 1);
    assert.match(await registry.metrics(), /bytes_total\{topic="clicks"\} 16\n/);
    assert.match(await registry.metrics(), /bytes_total\{topic="clicks"\} 16\n/, 'a second scrape adds nothing');
  });
});
