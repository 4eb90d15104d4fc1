/// <reference lib="dom" />
// The page-side callbacks (page.$$eval, page.evaluate) run in the browser: DOM types for them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Browser, chromium, Page } from 'playwright-core';
import { KafkaClient } from '../../src/client/kafka-client';
import { ConsumerGroupAdmin } from '../../src/client/consumer-group-admin';
import { buildRecordBatch } from '../../src/protocol/records';
import type { JobStatus } from '../../src/status/job-status';
import { RunningBroker, startBroker } from '../helpers/broker';
import { segmentBytes } from '../helpers/segment-bytes';
import { SLUICE_BIN } from '../helpers/cli';
import { ConsoleProcess, spawnConsole } from '../helpers/console-process';
import { HOUR, listFiles, pageView, pageViewValues, produceValues, REPO, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';

/** The status of a GET sent with its own Host header (fetch cannot set it). */
function statusUnderHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Runs in the page: the lowest WCAG contrast ratio of any visible text against the background behind it. */
function lowestTextContrast(): { ratio: number; text: string } {
  const rgb = (colour: string) => (colour.match(/[\d.]+/g) ?? []).map(Number);
  const channel = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]: number[]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const backdrop = (from: Element): number[] => {
    for (let e: Element | null = from; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let worst = { ratio: 21, text: '' };
  for (const e of Array.from(document.querySelectorAll('body *'))) {
    const ownText = Array.from(e.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
    if (!ownText || e.closest('svg') || !e.checkVisibility()) continue;
    const [light, dark] = [luminance(rgb(getComputedStyle(e).color)), luminance(backdrop(e))].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < worst.ratio) worst = { ratio, text: e.textContent!.trim().slice(0, 40) };
  }
  return worst;
}

// The in-process broker must go on answering while the CLI runs: asynchronous children only.
const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
/** Screenshots of every page the test opens: kept after the run, git-ignored. */
export const ARTIFACTS = path.join(REPO, 'test-artifacts', 'console');
const PARTITIONS = 3;
const XSS_VALUE = '{"note":"<script>window.__xss = 1</script>","n":1}';
const XSS_KEY = '<img src=x onerror="window.__xss = 2">';

describe('sluice console in a browser (Debian chromium, playwright-core)', function () {
  this.timeout(60_000);
  let tmp: string;
  let running: RunningBroker;
  let client: KafkaClient;
  let web: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  const jobs = () => path.join(tmp, 'jobs');
  const table = () => path.join(tmp, 'warehouse', 'page_views');
  const at = (hour: number, minute: number) => START + hour * HOUR + minute * 60_000;

  async function produceTo(partition: number, times: number[], from: number): Promise<void> {
    const records = times.map((ts, i) => {
      const view = pageView(from + i, ts);
      return { key: Buffer.from(view.user_id), value: Buffer.from(JSON.stringify(view)), timestamp: ts };
    });
    await client.produce('page_views', partition, buildRecordBatch(records));
  }

  async function load(): Promise<void> {
    const result = await sluice(['load', '--job', path.join(jobs(), 'page_views.json')]);
    assert.ok(result.code === 0 || result.code === 3, `load exited ${result.code}: ${result.stderr}`);
  }

  async function statusJson(): Promise<JobStatus> {
    const result = await sluice(['status', '--jobs', jobs(), '--json']);
    return (JSON.parse(result.stdout) as { jobs: JobStatus[] }).jobs[0];
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  /** `data-field` cells of the rows marked `data-partition`: partition → field → number. */
  function partitionCells(): Promise<Record<string, Record<string, number | null>>> {
    return page.$$eval('tr[data-partition]', (rows) => Object.fromEntries(rows.map((row) => [
      (row as HTMLElement).dataset.partition!,
      Object.fromEntries(Array.from(row.querySelectorAll<HTMLElement>('[data-field]')).map((c) => [c.dataset.field!, /^\d+$/.test(c.textContent!) ? Number(c.textContent) : null])),
    ])));
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-console-'));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    running = await startBroker({ numPartitions: PARTITIONS });
    client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('page_views', PARTITIONS);
    await client.createTopic('notes', 1);
    await client.produce('notes', 0, buildRecordBatch([{ key: Buffer.from(XSS_KEY), value: Buffer.from(XSS_VALUE), timestamp: at(0, 1), headers: [{ key: 'trace<b>', value: Buffer.from('</pre><script>window.__xss = 3</script>') }] }]));

    // Hours 00 and 01 of 2026-11-21, two records that are not JSON (dead letters), one of them markup.
    const values = pageViewValues(0, 300, (i) => at(Math.floor(i / 150), (i % 150) * 0.3));
    values[10] = { ...values[10], value: Buffer.from('not json <script>window.__xss = 4</script>') };
    values[200] = { ...values[200], value: Buffer.from('garbage') };
    await produceValues(client, 'page_views', PARTITIONS, values);
    writeJob(tmp, {
      workerThreads: 0, completeness: { delaySeconds: 0 }, badRecords: { maxPercent: 5 },
      output: { formats: ['avro'], avroCodec: 'deflate', sink: path.join(tmp, 'warehouse'), table: 'page_views' },
    }, running.bootstrap);
    await load(); // hours 00 and 01 complete

    // A late record of hour 00 (reopened), a gap in partition 0 (its hour-03 records deleted before the next load),
    // records of this hour (incomplete), then more that nothing loads (lag).
    await produceTo(1, [at(0, 30)], 1000);
    await produceTo(0, [at(3, 10), at(3, 20)], 1001);
    await produceTo(0, [at(4, 10), at(4, 20)], 1003);
    const kafka = new Kafka({ brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: ['page_views'] });
    const end = (await client.offsetFor('page_views', 0, -1)).offset;
    await admin.deleteTopicRecords({ topic: 'page_views', partitions: [{ partition: 0, offset: String(end - 2) }] });
    await admin.disconnect();
    await produceTo(2, [Date.now() - 1000], 1005);
    await load();
    await produceTo(2, Array.from({ length: 7 }, () => Date.now()), 1006);
    await new ConsumerGroupAdmin(client).commitOffsets('reporting', [0, 1, 2].map((partition) => ({ topic: 'page_views', partition, offset: 10 })));

    web = await spawnConsole(['--port', '0', '--jobs', jobs(), '--bootstrap-server', running.bootstrap, '--allow-actions']);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    if (web) assert.equal(await web.stop(), 0, 'SIGTERM stops the console cleanly');
    client?.close();
    await running?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows each partition\'s log start and high watermark as `sluice topics describe` does, and a browsed message as `sluice consume` reads it', async () => {
    const described = await sluice(['topics', 'describe', 'page_views', '--bootstrap-server', running.bootstrap]);
    assert.equal(described.code, 0, described.stderr);
    const cli = [...described.stdout.matchAll(/partition (\d+) +leader \d+ +earliest (\d+) +latest (\d+)/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
    assert.equal(cli.length, PARTITIONS);
    assert.ok(cli[0][1] > 0, 'partition 0 starts after its deleted records');
    await page.goto(`${web.url}topics/page_views`);
    const cells = await partitionCells();
    assert.deepEqual(cli.map(([p]) => [p, cells[p].logStartOffset, cells[p].highWatermark]), cli);
    // Sizes from DescribeLogDirs, as the segment files on disk hold them.
    for (const [p] of cli) {
      const onDisk = segmentBytes(running.dataDir, 'page_views', p);
      const shown = await page.locator(`tr[data-partition="${p}"] td[data-field="bytes"]`).innerText();
      if (onDisk < 1024) assert.equal(shown, `${onDisk} B`);
      else {
        assert.match(shown, /^[\d.]+ (KiB|MiB)$/);
        const read = parseFloat(shown) * 1024 ** (shown.endsWith('MiB') ? 2 : 1);
        assert.ok(Math.abs(read - onDisk) / onDisk < 0.06, `partition ${p}: ${shown}, ${onDisk} bytes on disk`);
      }
    }
    await shoot('topic-page_views');

    await page.goto(`${web.url}topics/page_views?partition=1&offset=3&limit=2`);
    const consumed = await sluice(['consume', '--bootstrap-server', running.bootstrap, '--topic', 'page_views', '--partition', '1', '--offset', '3', '--max', '1', '--format', 'json', '-e']);
    const record = JSON.parse(consumed.stdout.trim().split('\n')[0]) as { key: string; value: string; offset: number };
    const row = page.locator('tr[data-offset="3"]');
    assert.equal(await row.locator('td').nth(3).innerText(), record.key);
    assert.equal(await row.locator('td').nth(4).locator('pre').textContent(), JSON.stringify(JSON.parse(record.value), null, 2), 'the value pretty-printed');
    assert.equal(await page.locator('tr[data-offset]').count(), 2);
  });

  it('escapes message keys, values and headers: markup shows as text and never runs', async () => {
    const html = await (await fetch(`${web.url}topics/notes`)).text();
    assert.ok(!html.includes('<script>window'), 'no markup from the message reaches the page unescaped');
    await page.goto(`${web.url}topics/notes`);
    const cells = page.locator('tr[data-offset="0"] td');
    assert.equal(await cells.nth(3).innerText(), XSS_KEY);
    assert.equal(await cells.nth(4).locator('pre').textContent(), JSON.stringify(JSON.parse(XSS_VALUE), null, 2));
    assert.equal(await cells.nth(5).locator('dt').textContent(), 'trace<b>');
    assert.equal(await cells.nth(5).locator('dd').textContent(), '</pre><script>window.__xss = 3</script>');
    assert.equal(await page.locator('script, img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await shoot('topic-notes');
  });

  it('shows the hours × jobs grid, each partition\'s lag and the dead letters as `sluice status --json` reports them, with a lag chart', async () => {
    const status = await statusJson();
    await page.goto(`${web.url}jobs?hours=3`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'jobs-summary.png') }); // the README's docs/console.png
    await page.goto(`${web.url}jobs`);
    await shoot('jobs');
    assert.equal(await page.locator('td[data-hour]').count(), 48 + 5, 'the newest 48 hours, and every hour not complete');
    const grid = Object.fromEntries(await page.$$eval('td[data-hour]', (cells) => cells.map((c) => [(c as HTMLElement).dataset.hour!, c.textContent!])));
    const day = '2026-11-21';
    assert.equal(grid[`${day}T00`], 'reopened', JSON.stringify(grid));
    for (const hour of ['01', '02', '03', '04']) assert.equal(grid[`${day}T${hour}`], 'gap', `hour ${hour}: the unacknowledged gap may touch it`);
    const thisHour = new Date().toISOString().slice(0, 13);
    assert.equal(grid[thisHour], 'incomplete');
    assert.equal(status.newestIncompleteHour, thisHour);
    const marked = Object.keys(grid).filter((h) => ['complete', 'reopened'].includes(grid[h]));
    assert.deepEqual(marked, status.completeHours.filter((h) => h in grid && grid[h] !== 'gap').sort().reverse());
    assert.equal(status.gaps.length, 1);
    const totalLag = status.partitions.reduce((s, p) => s + p.lagRecords!, 0);
    assert.equal(totalLag, 7);
    assert.equal(await page.locator('tr[data-job="page_views_test"] [data-field="lagRecords"]').innerText(), String(totalLag));

    await page.goto(`${web.url}jobs/page_views_test`);
    await shoot('job-page_views_test');
    const cells = await partitionCells();
    for (const p of status.partitions) {
      assert.deepEqual(cells[p.partition], { committedOffset: p.committedOffset, highWatermark: p.highWatermark, lagRecords: p.lagRecords }, `partition ${p.partition}`);
    }
    assert.equal(await page.locator('svg.chart path').count(), PARTITIONS, 'a line per partition');
    assert.equal(await page.locator('svg.chart circle').count(), PARTITIONS * 3, 'two runs and now');

    await page.goto(`${web.url}jobs/page_views_test/dead-letters`);
    await shoot('dead-letters');
    const reasons = await page.locator('td.reason').allInnerTexts();
    assert.equal(reasons.length, status.deadLetters);
    assert.equal(reasons.length, 2);
    for (const reason of reasons) assert.match(reason, /JSON/i);
    assert.ok((await page.locator('main pre').allTextContents()).includes('not json <script>window.__xss = 4</script>'));
    assert.equal(await page.locator('script').count(), 0);
  });

  it('shows a consumer group\'s lag as `sluice groups describe --json`, and the table\'s every file with its size', async () => {
    const described = await sluice(['groups', 'describe', '--group', 'reporting', '--bootstrap-server', running.bootstrap, '--json']);
    const rows = (JSON.parse(described.stdout) as { groups: { offsets: { partition: number; lag: number }[] }[] }).groups[0].offsets;
    await page.goto(`${web.url}groups/reporting`);
    const lags = (await page.locator('[data-field="lag"]').allInnerTexts()).map(Number);
    assert.deepEqual(lags, rows.map((r) => r.lag));
    assert.ok(lags.every((lag) => lag > 0));
    await shoot('group-reporting');

    await page.goto(`${web.url}tables/page_views_test`);
    await shoot('table-page_views');
    const shown = Object.fromEntries(await page.$$eval('li[data-path]', (items) => items.filter((li) => !li.querySelector('details'))
      .map((li) => [(li as HTMLElement).dataset.path!, li.querySelector('.size')!.textContent!])));
    const files = listFiles(table());
    assert.deepEqual(Object.keys(shown).sort(), files, 'every file of the table, state and dead letters included');
    for (const file of files) {
      const [, number, unit] = /^([\d.]+) (B|KiB)$/.exec(shown[file]) ?? [];
      const bytes = fs.statSync(path.join(table(), file)).size;
      assert.ok(Math.abs(Number(number) * (unit === 'KiB' ? 1024 : 1) - bytes) <= 0.05 * 1024, `${file}: ${shown[file]} for ${bytes} bytes`);
    }
  });

  it('lets the keyboard reach every link, button, field and disclosure, in page order, with text at WCAG AA contrast', async () => {
    for (const url of [`${web.url}jobs/page_views_test`, `${web.url}topics/page_views`, `${web.url}tables/page_views_test`]) {
      await page.goto(url);
      const controls = await page.$$eval('a[href], button, input, select, textarea, summary', (elements) =>
        elements.filter((e) => (e as HTMLElement).checkVisibility()).map((e, i) => {
          (e as HTMLElement).dataset.control = String(i);
          return i;
        }));
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { focused: string[] }).focused = seen;
        document.addEventListener('focusin', (event) => seen.push((event.target as HTMLElement).dataset.control ?? (event.target as HTMLElement).tagName));
      });
      for (let i = 0; i < controls.length + 1; i++) await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => (window as unknown as { focused: string[] }).focused);
      // One Tab more than there are controls: past the last one focus leaves the page (or wraps to the first).
      assert.deepEqual(focused.slice(0, controls.length).map(Number), controls, `${url}: Tab visits every control once, in order`);
      assert.ok(focused.length === controls.length || focused[controls.length] === '0', `${url}: then leaves the page: ${focused.slice(controls.length)}`);
      const worst = await page.evaluate(lowestTextContrast);
      assert.ok(worst.ratio >= 4.5, `${url}: text "${worst.text}" has contrast ${worst.ratio.toFixed(2)}:1, below WCAG AA's 4.5:1`);
    }
    await page.goto(`${web.url}jobs`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await shoot('focus-visible');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(outline, 'solid', 'the focused link is outlined');
  });

  it('is read-only without --allow-actions; with it, "Run this job now" loads through a POST', async () => {
    const readOnly = await spawnConsole(['--port', '0', '--jobs', jobs(), '--bootstrap-server', running.bootstrap]);
    try {
      const refused = await fetch(`${readOnly.url}jobs/page_views_test/run`, { method: 'POST' });
      assert.equal(refused.status, 403);
      assert.doesNotMatch(await (await fetch(`${readOnly.url}jobs/page_views_test`)).text(), /Run this job now/);
    } finally {
      assert.equal(await readOnly.stop(), 0);
    }
    assert.equal((await fetch(`${web.url}jobs/page_views_test/run`)).status, 405, 'a GET runs nothing');
    const crossSite = await fetch(`${web.url}jobs/page_views_test/run`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    assert.equal(crossSite.status, 403, 'a form posted from another site runs nothing');
    assert.equal(await statusUnderHost(`${web.url}jobs`, 'evil.example'), 421, 'a page asked for under another host name (DNS rebinding) is refused');
    assert.equal(await statusUnderHost(`${web.url}jobs`, `localhost:${new URL(web.url).port}`), 200);

    await page.goto(`${web.url}jobs/page_views_test`);
    await page.getByRole('button', { name: 'Run this job now' }).click();
    await page.locator('.notice, .error').waitFor();
    const said = await page.locator('.notice, .error').innerText();
    assert.match(said, /committed 7 records \(0 bad\)/, said);
    const after = await statusJson();
    assert.equal(after.partitions.reduce((s, p) => s + p.lagRecords!, 0), 0);
    assert.deepEqual(await partitionCells().then((c) => Object.values(c).map((p) => p.lagRecords)), [0, 0, 0]);
  });
});
