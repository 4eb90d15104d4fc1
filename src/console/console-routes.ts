// What each console URL shows: a handler per page, on the ports of console-ports.ts only.
import type { JobDefinition } from '../job/job-definition';
import type { ClusterBrowser, JobActions, JobBrowser } from './console-ports';
import { errorBox, html, Html, page } from './html';
import { groupBody, groupsBody, topicBody, topicsBody } from './kafka-pages';
import { deadLettersBody, jobBody, jobHref, jobsBody, JobSummary, tableBody, tablesBody } from './job-pages';

export interface ConsoleContext {
  cluster: ClusterBrowser;
  jobs: JobBrowser;
  /** Null unless the console was started with --allow-actions. */
  actions: JobActions | null;
  /** How many runs the job pages list and chart. */
  runs: number;
}

export interface Reply {
  status: number;
  body: string;
  /** For a redirect. */
  location?: string;
}

/** A page that cannot be shown: its status and what to say (escaped on the way out). */
export class PageError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'PageError';
  }
}

const DEFAULT_HOURS = 48;
const DEFAULT_BROWSE = 20;
const DEAD_LETTER_LIMIT = 500;
const TREE_LIMIT = 5000;

function integer(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = params.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new PageError(400, `${name}=${text}: expected a whole number from ${min} to ${max}`);
  return value;
}

async function findJob(ctx: ConsoleContext, name: string): Promise<JobDefinition> {
  const { jobs } = await ctx.jobs.jobs();
  const job = jobs.find((j) => j.name === name);
  if (!job) throw new PageError(404, `no job named ${name} (there: ${jobs.map((j) => j.name).join(', ') || 'none'})`);
  return job;
}

async function summarize(ctx: ConsoleContext, job: JobDefinition): Promise<JobSummary> {
  const [status, hours] = await Promise.all([ctx.jobs.status(job, ctx.runs), ctx.jobs.hours(job)]);
  return { job, status, hours };
}

/** Per console, what the last action on each job said, shown once on the job's page after the redirect. */
const actionNotices = new WeakMap<ConsoleContext, Map<string, { ok: boolean; text: string }>>();
function noticesOf(ctx: ConsoleContext): Map<string, { ok: boolean; text: string }> {
  const notices = actionNotices.get(ctx) ?? new Map<string, { ok: boolean; text: string }>();
  actionNotices.set(ctx, notices);
  return notices;
}

async function topics(ctx: ConsoleContext): Promise<Reply> {
  return { status: 200, body: page('Topics', '/topics', topicsBody(ctx.cluster.bootstrap, await ctx.cluster.topics())) };
}

async function topic(ctx: ConsoleContext, name: string, params: URLSearchParams): Promise<Reply> {
  const overview = await ctx.cluster.topic(name);
  const numbers = overview.partitions.map((p) => p.partition);
  const partition = integer(params, 'partition', numbers[0] ?? 0, 0, Math.max(0, ...numbers));
  const start = overview.partitions.find((p) => p.partition === partition)?.logStartOffset ?? 0;
  const browse = { partition, offset: integer(params, 'offset', start, 0, Number.MAX_SAFE_INTEGER), limit: integer(params, 'limit', DEFAULT_BROWSE, 1, 200) };
  const messages = await ctx.cluster.messages(name, browse.partition, browse.offset, browse.limit);
  return { status: 200, body: page(`Topic ${name}`, '/topics', topicBody(overview, browse, messages)) };
}

async function jobs(ctx: ConsoleContext, params: URLSearchParams): Promise<Reply> {
  const { jobs: definitions, problems } = await ctx.jobs.jobs();
  const summaries: JobSummary[] = [];
  for (const job of definitions) summaries.push(await summarize(ctx, job));
  return { status: 200, body: page('Jobs', '/jobs', jobsBody(summaries, problems, integer(params, 'hours', DEFAULT_HOURS, 1, 2000))) };
}

async function job(ctx: ConsoleContext, name: string, params: URLSearchParams): Promise<Reply> {
  const summary = await summarize(ctx, await findJob(ctx, name));
  const lag = await ctx.jobs.lagHistory(summary.job, summary.status, ctx.runs);
  const action = noticesOf(ctx).get(name);
  noticesOf(ctx).delete(name);
  const notice = action ? (action.ok ? html`<p class="notice" role="status">${action.text}</p>` : errorBox(action.text)) : undefined;
  return { status: 200, body: page(`Job ${name}`, '/jobs', jobBody(summary, lag, ctx.actions !== null, integer(params, 'hours', DEFAULT_HOURS, 1, 2000)), notice) };
}

async function runJob(ctx: ConsoleContext, name: string): Promise<Reply> {
  if (!ctx.actions) throw new PageError(403, 'this console is read-only: start it with --allow-actions to run jobs from it');
  const definition = await findJob(ctx, name);
  try {
    noticesOf(ctx).set(name, { ok: true, text: await ctx.actions.runNow(definition) });
  } catch (error) {
    noticesOf(ctx).set(name, { ok: false, text: `the run failed: ${(error as Error).message}` });
  }
  return { status: 303, body: '', location: jobHref(name) };
}

/** Routes a request; `path` is decoded segment by segment, so a name with a slash or a `%` in it is found. */
export async function route(ctx: ConsoleContext, method: string, url: URL): Promise<Reply> {
  const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const [section, name, sub] = segments;
  const params = url.searchParams;
  const read = method === 'GET' || method === 'HEAD';
  if (!read && !(method === 'POST' && section === 'jobs' && sub === 'run' && segments.length === 3)) throw new PageError(405, `${method} ${url.pathname}: not allowed`);
  if (segments.length === 0) return { status: 302, body: '', location: '/jobs' };
  switch (`${section}:${segments.length}`) {
    case 'topics:1': return topics(ctx);
    case 'topics:2': return topic(ctx, name, params);
    case 'groups:1': return { status: 200, body: page('Consumer groups', '/groups', groupsBody(await ctx.cluster.groups())) };
    case 'groups:2': return { status: 200, body: page(`Group ${name}`, '/groups', groupBody(await ctx.cluster.group(name))) };
    case 'jobs:1': return jobs(ctx, params);
    case 'jobs:2': return job(ctx, name, params);
    case 'jobs:3':
      if (sub === 'run') return read ? { status: 405, body: page('Not allowed', '/jobs', errorBox('Runs start with a POST: use the button on the job\'s page.')) } : runJob(ctx, name);
      if (sub === 'dead-letters') {
        const definition = await findJob(ctx, name);
        return { status: 200, body: page(`Dead letters of ${name}`, '/jobs', deadLettersBody(definition, await ctx.jobs.deadLetters(definition, DEAD_LETTER_LIMIT), DEAD_LETTER_LIMIT)) };
      }
      break;
    case 'tables:1': return { status: 200, body: page('Tables', '/tables', tablesBody((await ctx.jobs.jobs()).jobs)) };
    case 'tables:2': {
      const definition = await findJob(ctx, name);
      return { status: 200, body: page(`Table ${definition.output.table}`, '/tables', tableBody(definition, await ctx.jobs.tableTree(definition, TREE_LIMIT))) };
    }
  }
  throw new PageError(404, `nothing at ${url.pathname}`);
}

export function errorPage(status: number, message: string): string {
  return page(status === 404 ? 'Not found' : status >= 500 ? 'Something failed' : 'Cannot show this', '', new Html(errorBox(message).text));
}
