// Topics and consumer groups: the pages of the broker side.
import type { ListedGroup } from '../client/consumer-group-admin';
import type { BrowsedMessage, GroupView, TopicOverview } from './console-ports';
import { decodeBytes, formatBytes, html, Html } from './html';

const topicHref = (name: string) => `/topics/${encodeURIComponent(name)}`;
const groupHref = (id: string) => `/groups/${encodeURIComponent(id)}`;
const records = (t: TopicOverview) => t.partitions.reduce((sum, p) => sum + (p.highWatermark - p.logStartOffset), 0);
const bytesHeld = (t: TopicOverview) => (t.partitions.some((p) => p.bytes === null) ? null : t.partitions.reduce((sum, p) => sum + (p.bytes ?? 0), 0));
const dash = (value: string | number | null) => (value === null || value === '' ? '–' : value);

export function topicsBody(bootstrap: string, topics: TopicOverview[]): Html {
  const rows = topics.map((t) => html`<tr><th scope="row"><a href="${topicHref(t.name)}">${t.name}</a></th>
<td class="num">${t.partitions.length}</td><td class="num">${records(t)}</td><td class="num" data-field="bytes">${bytesHeld(t) === null ? '–' : formatBytes(bytesHeld(t)!)}</td></tr>`);
  return html`<p class="muted">Broker ${bootstrap}: ${topics.length} topics.</p>
<table><caption>Topics</caption><thead><tr><th scope="col">Topic</th><th scope="col" class="num">Partitions</th>
<th scope="col" class="num">Records held (high watermark − log start)</th><th scope="col" class="num">Size</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function decoded(bytes: Buffer | null): Html {
  const shown = decodeBytes(bytes);
  return html`<pre data-kind="${shown.kind}">${shown.text}</pre>`;
}

function messageRows(messages: BrowsedMessage[]): Html[] {
  return messages.map((m) => html`<tr data-offset="${m.offset}"><td class="num">${m.partition}</td><td class="num">${m.offset}</td>
<td>${m.timestamp >= 0 ? new Date(m.timestamp).toISOString() : '–'}</td><td>${decoded(m.key)}</td><td>${decoded(m.value)}</td>
<td>${m.headers.length === 0 ? html`<span class="muted">none</span>` : html`<dl>${m.headers.map((h) => html`<dt>${h.key}</dt><dd>${decoded(h.value)}</dd>`)}</dl>`}</td></tr>`);
}

export interface BrowseRequest {
  partition: number;
  offset: number;
  limit: number;
}

export function topicBody(topic: TopicOverview, browse: BrowseRequest, messages: BrowsedMessage[]): Html {
  const rows = topic.partitions.map((p) => html`<tr data-partition="${p.partition}"><th scope="row">${p.partition}</th><td class="num">${p.leader}</td>
<td class="num" data-field="logStartOffset">${p.logStartOffset}</td><td class="num" data-field="highWatermark">${p.highWatermark}</td>
<td class="num">${p.highWatermark - p.logStartOffset}</td><td class="num" data-field="bytes">${p.bytes === null ? '–' : formatBytes(p.bytes)}</td>
<td><a href="${topicHref(topic.name)}?partition=${p.partition}&amp;offset=${p.logStartOffset}#messages" aria-label="Browse partition ${p.partition} from its log start">browse</a></td></tr>`);
  const options = topic.partitions.map((p) => html`<option value="${p.partition}"${new Html(p.partition === browse.partition ? ' selected' : '')}>${p.partition}</option>`);
  const shownEnd = messages.length > 0 ? messages[messages.length - 1].offset + 1 : browse.offset;
  const high = topic.partitions.find((p) => p.partition === browse.partition)?.highWatermark ?? 0;
  const next = shownEnd < high ? html`<p><a href="${topicHref(topic.name)}?partition=${browse.partition}&amp;offset=${shownEnd}&amp;limit=${browse.limit}#messages">Next ${browse.limit} from offset ${shownEnd}</a></p>` : html``;
  return html`<table><caption>Partitions (offsets as <code>sluice topics describe</code> lists them)</caption><thead><tr><th scope="col">Partition</th><th scope="col" class="num">Leader</th>
<th scope="col" class="num">Log start offset</th><th scope="col" class="num">High watermark</th><th scope="col" class="num">Records held</th><th scope="col" class="num">Size</th><th scope="col">Messages</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2 id="messages">Messages</h2>
<form class="browse" method="get" action="${topicHref(topic.name)}#messages">
<label for="partition">Partition<select id="partition" name="partition">${options}</select></label>
<label for="offset">From offset<input id="offset" name="offset" type="number" min="0" value="${browse.offset}"></label>
<label for="limit">How many<input id="limit" name="limit" type="number" min="1" max="200" value="${browse.limit}"></label>
<button type="submit">Show messages</button></form>
${messages.length === 0 ? html`<p>No messages in partition ${browse.partition} from offset ${browse.offset}.</p>` : html`<table class="messages"><caption>Partition ${browse.partition}, offsets ${browse.offset} to ${shownEnd - 1}</caption>
<thead><tr><th scope="col">Partition</th><th scope="col">Offset</th><th scope="col">Timestamp</th><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Headers</th></tr></thead>
<tbody>${messageRows(messages)}</tbody></table>`}${next}`;
}

export function groupsBody(groups: ListedGroup[]): Html {
  if (groups.length === 0) return html`<p>No consumer groups on the broker.</p>`;
  const rows = groups.map((g) => html`<tr><th scope="row"><a href="${groupHref(g.groupId)}">${g.groupId}</a></th><td>${dash(g.state)}</td><td>${dash(g.protocolType)}</td></tr>`);
  return html`<table><caption>Consumer groups</caption><thead><tr><th scope="col">Group</th><th scope="col">State</th><th scope="col">Protocol type</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function groupBody(view: GroupView): Html {
  const { description: group, offsets } = view;
  const members = group.members.map((m) => html`<tr><td>${m.memberId}</td><td>${dash(m.groupInstanceId)}</td><td>${m.clientId}</td><td>${m.host}</td>
<td>${m.assignment.filter((a) => a.partitions.length > 0).map((a) => `${a.topic}(${a.partitions.join(',')})`).join(', ') || '–'}</td></tr>`);
  const lag = offsets.reduce((sum, r) => sum + (r.lag ?? 0), 0);
  const rows = offsets.map((r) => html`<tr><td>${dash(r.topic)}</td><td class="num">${dash(r.partition)}</td><td class="num">${dash(r.currentOffset)}</td>
<td class="num">${dash(r.logEndOffset)}</td><td class="num" data-field="lag">${dash(r.lag)}</td><td>${dash(r.memberId)}</td></tr>`);
  return html`<p>State <strong>${group.state}</strong>, assignor ${dash(group.protocol)}, coordinator ${group.coordinator.host}:${group.coordinator.port}; total lag <strong>${lag}</strong>.</p>
<table><caption>Members</caption><thead><tr><th scope="col">Member</th><th scope="col">Instance</th><th scope="col">Client</th><th scope="col">Host</th><th scope="col">Assignment</th></tr></thead>
<tbody>${members.length > 0 ? members : [html`<tr><td colspan="5">No members.</td></tr>`]}</tbody></table>
<table><caption>Offsets and lag (as <code>sluice groups describe</code>)</caption><thead><tr><th scope="col">Topic</th><th scope="col" class="num">Partition</th><th scope="col" class="num">Committed offset</th>
<th scope="col" class="num">Log end offset</th><th scope="col" class="num">Lag</th><th scope="col">Member</th></tr></thead><tbody>${rows}</tbody></table>`;
}
