// Jobs and tables: the pages of the load side.
import type { JobDefinition } from '../job/job-definition';
import type { JobStatus } from '../status/job-status';
import { formatDuration } from '../status/render';
import { describeOffsets } from '../table/gaps';
import type { DeadLetter, HourCell, HourState, JobProblem, LagPoint, TableEntry } from './console-ports';
import { decodeBytes, errorBox, formatBytes, html, Html } from './html';
import { lagChart } from './lag-chart';

export const jobHref = (name: string) => `/jobs/${encodeURIComponent(name)}`;
export const tableHref = (name: string) => `/tables/${encodeURIComponent(name)}`;
const dash = (value: string | number | null | undefined) => (value === null || value === undefined ? '–' : value);
const STATE_WORDS: Record<HourState, string> = { complete: 'complete', incomplete: 'incomplete', reopened: 'reopened', gap: 'gap' };

export interface JobSummary {
  job: JobDefinition;
  status: JobStatus;
  hours: HourCell[];
}

function brokerNote(status: JobStatus): Html {
  if (!status.broker.reachable) return errorBox(`${status.job}: broker ${status.broker.bootstrap} unreachable: ${status.broker.error ?? ''}`);
  if (status.broker.error) return errorBox(`${status.job}: broker ${status.broker.bootstrap}: ${status.broker.error}`);
  return html``;
}

const totalLag = (s: JobStatus) => (s.partitions.some((p) => p.lagRecords === null) ? null : s.partitions.reduce((sum, p) => sum + (p.lagRecords ?? 0), 0));
const maxLagMs = (s: JobStatus) => (s.partitions.some((p) => p.lagMs === null) ? null : Math.max(0, ...s.partitions.map((p) => p.lagMs ?? 0)));

/** Hours down, jobs across: the newest `limit` hours any job has, and every older hour some job has not complete. */
export function hoursGrid(summaries: JobSummary[], limit: number): Html {
  const all = [...new Set(summaries.flatMap((s) => s.hours.map((h) => h.key)))].sort();
  const notComplete = new Set(summaries.flatMap((s) => s.hours.filter((h) => h.state !== 'complete').map((h) => h.key)));
  const keys = all.filter((key, i) => i >= all.length - limit || notComplete.has(key));
  if (keys.length === 0) return html`<p>No hour directories yet.</p>`;
  const byJob = summaries.map((s) => new Map(s.hours.map((h) => [h.key, h.state])));
  const header = summaries.map((s) => html`<th scope="col"><a href="${jobHref(s.job.name)}">${s.job.name}</a></th>`);
  const position = new Map(all.map((key, i) => [key, i]));
  const rows: Html[] = [];
  const newestFirst = [...keys].reverse();
  newestFirst.forEach((key, n) => {
    rows.push(html`<tr><th scope="row">${key.replace('T', ' ')}:00</th>${byJob.map((states, i) => {
      const state = states.get(key);
      return state
        ? html`<td class="state ${state}" data-job="${summaries[i].job.name}" data-hour="${key}">${STATE_WORDS[state]}</td>`
        : html`<td class="state none" data-job="${summaries[i].job.name}" data-hour="${key}">no data</td>`;
    })}</tr>`);
    const older = newestFirst[n + 1];
    const skipped = older === undefined ? 0 : position.get(key)! - position.get(older)! - 1;
    if (skipped > 0) rows.push(html`<tr class="elided"><td colspan="${summaries.length + 1}">… ${skipped} hours with nothing incomplete, reopened or lost</td></tr>`);
  });
  return html`<ul class="legend" aria-label="Legend"><li class="complete">complete: <code>_SUCCESS</code> written</li><li class="incomplete">incomplete: waiting for the low watermark</li>
<li class="reopened">reopened: late records written after <code>_SUCCESS</code></li><li class="gap">gap: records lost to retention, not acknowledged</li></ul>
<table class="grid"><caption>Hours × jobs, newest first: the last ${Math.min(limit, all.length)} hours and every older one not complete (${keys.length} of ${all.length}; in each job's time zone)</caption><thead><tr><th scope="col">Hour</th>${header}</tr></thead><tbody>${rows}</tbody></table>`;
}

export function jobsBody(summaries: JobSummary[], problems: JobProblem[], hourLimit: number): Html {
  const rows = summaries.map(({ job, status }) => {
    const last = status.runs[status.runs.length - 1];
    return html`<tr data-job="${job.name}"><th scope="row"><a href="${jobHref(job.name)}">${job.name}</a></th><td>${status.topic}</td>
<td><a href="${tableHref(job.name)}">${job.output.table}</a></td>
<td>${last ? `${last.status}, ${last.start.replace('T', ' ').slice(0, 19)}, ${last.records} records` : 'never run'}</td>
<td class="num" data-field="lagRecords">${dash(totalLag(status))}</td><td class="num">${maxLagMs(status) === null ? '–' : formatDuration(maxLagMs(status)!)}</td>
<td class="num">${status.completeHours.length}</td><td class="num">${status.deadLetters > 0 ? html`<a href="${jobHref(job.name)}/dead-letters">${status.deadLetters}</a>` : '0'}</td></tr>`;
  });
  return html`${summaries.map(({ status }) => brokerNote(status))}${problems.map((p) => errorBox(`cannot read ${p.error}`))}
<table><caption>Jobs (as <code>sluice status</code>)</caption><thead><tr><th scope="col">Job</th><th scope="col">Topic</th><th scope="col">Table</th><th scope="col">Last run</th>
<th scope="col" class="num">Lag (records)</th><th scope="col" class="num">Lag (time)</th><th scope="col" class="num">Complete hours</th><th scope="col" class="num">Dead letters</th></tr></thead>
<tbody>${rows.length > 0 ? rows : [html`<tr><td colspan="8">No jobs.</td></tr>`]}</tbody></table>
<h2>Hours</h2>${hoursGrid(summaries, hourLimit)}
<form class="browse" method="get" action="/jobs"><label for="hours">Hours shown<input id="hours" name="hours" type="number" min="1" max="2000" value="${hourLimit}"></label><button type="submit">Show</button></form>`;
}

function lagTable(points: LagPoint[]): Html {
  const rows = points.map((p) => html`<tr><td>${p.at.replace('T', ' ').slice(0, 19)}</td><td>${p.runId ?? 'now'}</td><td class="num">${p.partition}</td><td class="num">${p.atLeast ? '≥ ' : ''}${p.lagRecords}</td></tr>`);
  return html`<details><summary>The chart's points as a table</summary><table><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Run</th><th scope="col" class="num">Partition</th><th scope="col" class="num">Records waiting</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

export function jobBody(summary: JobSummary, lag: LagPoint[], actions: boolean, hourLimit: number): Html {
  const { job, status } = summary;
  const runs = [...status.runs].reverse().map((r) => html`<tr><td>${r.runId}</td><td>${r.kind}</td><td>${r.start.replace('T', ' ').slice(0, 19)}</td><td>${r.status}</td>
<td class="num">${r.records}</td><td class="num">${r.badRecords}</td><td class="num">${formatDuration(r.durationMs)}</td><td>${r.reopenedHours?.join(', ') || '–'}</td><td>${r.error ?? ''}</td></tr>`);
  const partitions = status.partitions.map((p) => html`<tr data-partition="${p.partition}"><th scope="row">${p.partition}</th><td class="num" data-field="committedOffset">${dash(p.committedOffset)}</td>
<td class="num" data-field="highWatermark">${dash(p.highWatermark)}</td><td class="num" data-field="lagRecords">${dash(p.lagRecords)}</td>
<td class="num">${p.lagMs === null ? '–' : formatDuration(p.lagMs)}</td><td class="num">${p.deadLetters}</td><td class="num">${p.lostOffsets}</td></tr>`);
  const gaps = status.gaps.map((g) => html`<tr><td class="num">${g.partition}</td><td>${describeOffsets(g)}</td><td class="num">${g.count}</td><td>${g.acknowledgement ? `acknowledged by ${g.acknowledgement.acknowledgedBy}` : 'not acknowledged'}</td></tr>`);
  const runNow = actions
    ? html`<form method="post" action="${jobHref(job.name)}/run"><button type="submit">Run this job now</button></form>`
    : html``;
  return html`${brokerNote(status)}<p>Topic <strong>${status.topic}</strong> on ${status.broker.bootstrap} into <a href="${tableHref(job.name)}">${status.table}</a>;
low watermark ${dash(status.lowWatermark)}; newest incomplete hour ${dash(status.newestIncompleteHour)}; file ${job.file}.</p>${runNow}
<table><caption>Partitions</caption><thead><tr><th scope="col">Partition</th><th scope="col" class="num">Committed offset</th><th scope="col" class="num">High watermark</th>
<th scope="col" class="num">Lag (records)</th><th scope="col" class="num">Lag (time)</th><th scope="col" class="num">Dead letters</th><th scope="col" class="num">Lost offsets</th></tr></thead><tbody>${partitions}</tbody></table>
<h2>Lag over time</h2>${lagChart(lag, `Lag of ${job.name} per partition over its last runs`)}${lagTable(lag)}
<h2>Last runs</h2><table><thead><tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">Start (UTC)</th><th scope="col">Status</th><th scope="col" class="num">Records</th>
<th scope="col" class="num">Bad</th><th scope="col" class="num">Duration</th><th scope="col">Reopened hours</th><th scope="col">Error</th></tr></thead><tbody>${runs.length > 0 ? runs : [html`<tr><td colspan="9">No runs yet.</td></tr>`]}</tbody></table>
<h2>Hours</h2>${hoursGrid([summary], hourLimit)}
<h2>Retention gaps</h2>${gaps.length === 0 ? html`<p>None.</p>` : html`<table><thead><tr><th scope="col" class="num">Partition</th><th scope="col">Offsets</th><th scope="col" class="num">Count</th><th scope="col">Acknowledged</th></tr></thead><tbody>${gaps}</tbody></table>`}
<h2>Dead letters</h2><p>${status.deadLetters} bad records. <a href="${jobHref(job.name)}/dead-letters">Dead letters of ${job.name} with their reasons</a></p>`;
}

export function deadLettersBody(job: JobDefinition, letters: DeadLetter[], limit: number): Html {
  if (letters.length === 0) return html`<p>No dead letters in ${job.output.table}. <a href="${jobHref(job.name)}">Back to ${job.name}</a></p>`;
  const cell = (bytes: Buffer | null) => html`<pre>${decodeBytes(bytes).text}</pre>`;
  const rows = letters.map((d) => html`<tr><td class="num">${d.partition}</td><td class="num">${d.offset}${d.records > 1 ? `..${d.offset + d.records - 1}` : ''}</td>
<td>${d.timestamp === null ? '–' : new Date(d.timestamp).toISOString()}</td><td class="reason">${d.reason}</td><td>${cell(d.key)}</td><td>${cell(d.value)}</td><td>${d.file}</td></tr>`);
  return html`<p><a href="${jobHref(job.name)}">Back to ${job.name}</a>. The first ${limit} at most, in file order.</p>
<table><thead><tr><th scope="col" class="num">Partition</th><th scope="col" class="num">Offset</th><th scope="col">Timestamp</th><th scope="col">Reason</th><th scope="col">Key</th><th scope="col">Value</th><th scope="col">File</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function tablesBody(jobs: JobDefinition[]): Html {
  const rows = jobs.map((j) => html`<tr><th scope="row"><a href="${tableHref(j.name)}">${j.output.table}</a></th><td>${j.name}</td><td>${j.output.sink}</td><td>${j.output.formats.join(', ')}</td></tr>`);
  return html`<table><caption>Tables the jobs write</caption><thead><tr><th scope="col">Table</th><th scope="col">Job</th><th scope="col">Sink</th><th scope="col">Formats</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function treeNode(entry: TableEntry): Html {
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  if (entry.type === 'file') return html`<li data-path="${entry.path}">${name}<span class="size">${formatBytes(entry.bytes)}</span></li>`;
  return html`<li data-path="${entry.path}"><details${new Html(entry.path.startsWith('_') || entry.path.includes('/') ? '' : ' open')}><summary>${name}/<span class="size">${entry.files} files, ${formatBytes(entry.bytes)}</span></summary>
<ul class="tree">${entry.children.map(treeNode)}</ul></details></li>`;
}

export function tableBody(job: JobDefinition, tree: { root: TableEntry; truncated: boolean; location: string }): Html {
  return html`<p>${tree.location}: ${tree.root.files} files, ${formatBytes(tree.root.bytes)} (job <a href="${jobHref(job.name)}">${job.name}</a>).</p>
${tree.truncated ? errorBox('Only the first entries are shown: the table holds more.') : html``}<ul class="tree top">${tree.root.children.map(treeNode)}</ul>`;
}
