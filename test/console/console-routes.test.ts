import { strict as assert } from 'node:assert';
import type { JobDefinition } from '../../src/job/job-definition';
import type { JobStatus } from '../../src/status/job-status';
import type { BrowsedMessage, ClusterBrowser, HourCell, JobActions, JobBrowser, TopicOverview } from '../../src/console/console-ports';
import { ConsoleContext, PageError, route } from '../../src/console/console-routes';
import { decodeBytes, escapeHtml, html } from '../../src/console/html';

/** The pages depend on ports only: these in-memory ones stand for the broker and the tables. */
const TOPIC: TopicOverview = { name: 'page_views', partitions: [{ partition: 0, leader: 0, logStartOffset: 5, highWatermark: 12, bytes: 2048 }] };
const MESSAGE: BrowsedMessage = { partition: 0, offset: 5, timestamp: 0, key: Buffer.from('<k>'), value: Buffer.from('{"a":"<b>"}'), headers: [] };
const JOB = { name: 'weird"<job>', file: '/jobs/j.json', source: { topic: 'page_views', bootstrap: 'b:1' }, output: { table: 't', sink: '/w', formats: ['avro'] }, limits: { maxRecordsPerPartition: 100 } } as unknown as JobDefinition;
const STATUS: JobStatus = {
  job: JOB.name, file: JOB.file, topic: 'page_views', table: '/w/t', broker: { bootstrap: 'b:1', reachable: true }, runs: [], unreadableHistoryLines: 0,
  partitions: [{ partition: 0, committedOffset: 10, highWatermark: 12, lagRecords: 2, lagMs: 1000, deadLetters: 0, lostOffsets: 0 }],
  lowWatermark: null, completeHours: [], newestIncompleteHour: null, deadLetters: 0, gaps: [], granularity: 'hour', runsInProgress: [],
};

function context(actions: JobActions | null = null): { ctx: ConsoleContext; asked: { offset: number; limit: number }[] } {
  const asked: { offset: number; limit: number }[] = [];
  const cluster: ClusterBrowser = {
    bootstrap: 'b:1',
    topics: async () => [TOPIC],
    topic: async (name) => {
      if (name !== TOPIC.name) throw new PageError(404, `no topic ${name}`);
      return TOPIC;
    },
    messages: async (_topic, _partition, offset, limit) => {
      asked.push({ offset, limit });
      return [MESSAGE];
    },
    groups: async () => [],
    group: async () => { throw new Error('unused'); },
  };
  const hours: HourCell[] = [{ key: '2026-11-21T00', state: 'complete' }, { key: '2026-11-21T01', state: 'gap' }];
  const jobs: JobBrowser = {
    jobs: async () => ({ jobs: [JOB], problems: [] }),
    status: async () => STATUS,
    hours: async () => hours,
    lagHistory: async () => [],
    deadLetters: async () => [],
    tableTree: async () => ({ root: { path: '', type: 'directory', bytes: 0, files: 0, children: [] }, truncated: false, location: '/w/t' }),
  };
  return { ctx: { cluster, jobs, actions, runs: 5 }, asked };
}

const get = (ctx: ConsoleContext, path: string, method = 'GET') => route(ctx, method, new URL(path, 'http://console'));

describe('console routes over in-memory ports', () => {
  it('escapes what it interpolates, and only that', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(html`<p>${'<i>'}${html`<b>${'&'}</b>`}</p>`.text, '<p>&lt;i&gt;<b>&amp;</b></p>');
    assert.deepEqual(decodeBytes(Buffer.from('{"a":1}')), { text: '{\n  "a": 1\n}', kind: 'json' });
    assert.equal(decodeBytes(Buffer.from([0, 0, 0, 0, 7, 2, 0xff])).text, 'schema id 7; payload 02 ff');
    assert.equal(decodeBytes(Buffer.from([0xc3, 0x28])).kind, 'binary');
    assert.equal(decodeBytes(null).kind, 'null');
  });

  it('browses from the log start by default and from the offset asked; a bad number is a 400 naming it', async () => {
    const { ctx, asked } = context();
    const page = await get(ctx, '/topics/page_views');
    assert.equal(page.status, 200);
    assert.match(page.body, /&lt;k&gt;/);
    assert.match(page.body, /&quot;&lt;b&gt;&quot;/);
    await get(ctx, '/topics/page_views?partition=0&offset=7&limit=3');
    assert.deepEqual(asked, [{ offset: 5, limit: 20 }, { offset: 7, limit: 3 }]);
    await assert.rejects(get(ctx, '/topics/page_views?offset=abc'), (e: PageError) => e.status === 400 && /offset=abc: expected a whole number/.test(e.message));
    await assert.rejects(get(ctx, '/topics/page_views?limit=5000'), (e: PageError) => e.status === 400);
    await assert.rejects(get(ctx, '/topics/nope'), (e: PageError) => e.status === 404);
  });

  it('finds a job by a name that needs escaping, and says which jobs exist for one it does not know', async () => {
    const { ctx } = context();
    const page = await get(ctx, `/jobs/${encodeURIComponent(JOB.name)}`);
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes('weird"<job>'), 'the name is escaped everywhere');
    assert.match(page.body, /<title>Job weird&quot;&lt;job&gt; · sluice console<\/title>/);
    assert.match(page.body, /href="\/jobs\/weird%22%3Cjob%3E\/dead-letters"/);
    await assert.rejects(get(ctx, '/jobs/other'), (e: PageError) => e.status === 404 && e.message.includes('there: weird"<job>'));
    const overview = await get(ctx, '/jobs');
    assert.match(overview.body, /data-hour="2026-11-21T01">gap</);
  });

  it('runs nothing on GET, nothing without actions, and one load per POST with them', async () => {
    const readOnly = context().ctx;
    const path = `/jobs/${encodeURIComponent(JOB.name)}/run`;
    await assert.rejects(get(readOnly, path, 'POST'), (e: PageError) => e.status === 403 && /--allow-actions/.test(e.message));
    await assert.rejects(get(readOnly, '/jobs', 'POST'), (e: PageError) => e.status === 405);
    assert.doesNotMatch((await get(readOnly, `/jobs/${encodeURIComponent(JOB.name)}`)).body, /Run this job now/);
    let runs = 0;
    const { ctx } = context({ runNow: async () => `run ${++runs}: committed <3> records` });
    assert.equal((await get(ctx, path)).status, 405);
    assert.equal(runs, 0);
    const posted = await get(ctx, path, 'POST');
    assert.deepEqual([posted.status, posted.location, runs], [303, `/jobs/${encodeURIComponent(JOB.name)}`, 1]);
    const after = await get(ctx, posted.location!);
    assert.match(after.body, /<p class="notice" role="status">run 1: committed &lt;3&gt; records<\/p>/);
    assert.doesNotMatch((await get(ctx, posted.location!)).body, /class="notice"/, 'the notice shows once');
  });
});
