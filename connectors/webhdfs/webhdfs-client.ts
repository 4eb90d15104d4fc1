import { errorFromResponse, WebHdfsConnectionError, WebHdfsError, WebHdfsFailure } from './errors';
import { exchange, HttpAnswer, HttpRequest } from './http-exchange';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './retry-policy';
import type {
  BooleanAnswer, ContentSummary, ContentSummaryAnswer, DirectoryListingAnswer, FileStatus, FileStatusAnswer, FileStatusesAnswer, LocationAnswer,
} from '../../src/ports/webhdfs-wire';

export interface WebHdfsClientOptions {
  /** NameNode base URLs, e.g. `http://nn1:9870`; on StandbyException, RetriableException or no answer the next one is tried. */
  nameNodes: string[];
  user?: string;
  doas?: string;
  delegation?: string;
  /** Advertised DataNode host (`dn` or `dn:9864`) → host (or host:port) this machine can reach. */
  dataNodeHosts?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  /** Longest silence on a metadata call / a data transfer before it counts as lost. */
  timeouts?: { metadataMs?: number; dataMs?: number };
  /** Ask for the DataNode location in a 200 body (`noredirect=true`, Hadoop 2.8+) instead of a 307. */
  noRedirect?: boolean;
  /** Jitter source; tests pass a seeded one. */
  random?: () => number;
}

export type UploadBody = Buffer | { file: string; length: number };

/** Where a data-carrying operation's second step goes, before DataNode host mapping. */
interface Redirect {
  location: string;
}

type Method = HttpRequest['method'];

/**
 * Hadoop's WebHDFS REST API, operation by operation, on Node's own HTTP. Calls that cannot
 * change the namespace twice are retried here; the two that can (CREATE without overwrite,
 * APPEND) leave the decision to the caller, who knows what a second attempt would mean.
 */
export class WebHdfsClient {
  private active = 0;
  private readonly policy: RetryPolicy;
  private readonly metadataMs: number;
  private readonly dataMs: number;
  private readonly random: () => number;
  private listBatchSupported = true;

  constructor(private readonly options: WebHdfsClientOptions) {
    if (options.nameNodes.length === 0) throw new Error('WebHdfsClient needs at least one NameNode URL');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.metadataMs = options.timeouts?.metadataMs ?? 30_000;
    this.dataMs = options.timeouts?.dataMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  /** The NameNode currently believed active. */
  get activeNameNode(): string {
    return this.options.nameNodes[this.active];
  }

  async getFileStatus(path: string): Promise<FileStatus | null> {
    const answer = await this.nameNodeCall('GET', 'GETFILESTATUS', path, {}, [200, 404]);
    return answer.status === 404 ? null : (json(answer) as FileStatusAnswer).FileStatus;
  }

  /** Every entry of a directory (or the file itself, with pathSuffix ""); null when the path does not exist. */
  async listStatus(path: string): Promise<FileStatus[] | null> {
    if (this.listBatchSupported) {
      const entries: FileStatus[] = [];
      let startAfter = '';
      for (;;) {
        const answer = await this.nameNodeCall('GET', 'LISTSTATUS_BATCH', path, startAfter ? { startAfter } : {}, [200, 400, 404]);
        if (answer.status === 404) return null;
        if (answer.status === 400) {
          this.listBatchSupported = false; // an older NameNode: "Invalid value for webhdfs parameter op"
          break;
        }
        const listing = (json(answer) as DirectoryListingAnswer).DirectoryListing;
        const page = listing.partialListing.FileStatuses.FileStatus;
        entries.push(...page);
        if (listing.remainingEntries === 0 || page.length === 0) return entries;
        startAfter = page[page.length - 1].pathSuffix;
      }
    }
    const answer = await this.nameNodeCall('GET', 'LISTSTATUS', path, {}, [200, 404]);
    return answer.status === 404 ? null : (json(answer) as FileStatusesAnswer).FileStatuses.FileStatus;
  }

  async getContentSummary(path: string): Promise<ContentSummary> {
    return (json(await this.nameNodeCall('GET', 'GETCONTENTSUMMARY', path, {}, [200])) as ContentSummaryAnswer).ContentSummary;
  }

  /** Creates the directory and its parents; true also when it was there already (false only if HDFS says so). */
  async mkdirs(path: string, permission?: string): Promise<boolean> {
    return booleanOf(await this.nameNodeCall('PUT', 'MKDIRS', path, permission ? { permission } : {}, [200]));
  }

  /**
   * Legacy rename: false (never an exception) when the source is missing, the destination
   * exists or its parent is missing. When an attempt gets no answer, the outcome is read back
   * with GETFILESTATUS before anything is retried.
   */
  async rename(from: string, to: string): Promise<boolean> {
    return this.retrying('RENAME', from, async (attempt, lostBefore) => {
      if (lostBefore) {
        const [source, target] = await Promise.all([this.getFileStatus(from), this.getFileStatus(to)]);
        if (!source && target) return true;
        if (!source && !target) throw new WebHdfsError('RENAME', from, 404, 'FileNotFoundException', `neither ${from} nor ${to} exists after a lost RENAME answer`);
      }
      return booleanOf(await this.attemptNameNode(attempt, 'PUT', 'RENAME', from, { destination: to }, [200]));
    });
  }

  /** False when nothing was there. After a lost answer the path is looked at first: gone means that attempt did it. */
  async delete(path: string, recursive: boolean): Promise<boolean> {
    return this.retrying('DELETE', path, async (attempt, lostBefore) => {
      if (lostBefore && !(await this.getFileStatus(path))) return true;
      const deleted = booleanOf(await this.attemptNameNode(attempt, 'DELETE', 'DELETE', path, { recursive: String(recursive) }, [200]));
      return deleted || lostBefore;
    });
  }

  /** Reads a whole file (or `length` bytes from `offset`) through the DataNode the NameNode names. */
  async open(path: string, range: { offset?: number; length?: number } = {}): Promise<Buffer> {
    const params: Record<string, string> = {};
    if (range.offset !== undefined) params.offset = String(range.offset);
    if (range.length !== undefined) params.length = String(range.length);
    return this.retrying('OPEN', path, async (attempt) => {
      const redirect = await this.redirect(attempt, 'GET', 'OPEN', path, params);
      return (await this.dataNodeCall('GET', 'OPEN', path, redirect, undefined, [200])).body;
    });
  }

  /**
   * CREATE in two steps (307 to a DataNode, or the `noredirect` 200 answer), streaming the body.
   * With `overwrite` the whole operation is retried; without it only the first step is, since a
   * lost answer to the second may have left a file that a retry would be refused for.
   */
  async create(path: string, body: UploadBody, options: { overwrite?: boolean; permission?: string } = {}): Promise<void> {
    const params: Record<string, string> = { overwrite: String(options.overwrite ?? false) };
    if (options.permission) params.permission = options.permission;
    if (options.overwrite) {
      await this.retrying('CREATE', path, async (attempt) => {
        await this.dataNodeCall('PUT', 'CREATE', path, await this.redirect(attempt, 'PUT', 'CREATE', path, params), body, [201]);
      });
      return;
    }
    const redirect = await this.retrying('CREATE', path, (attempt) => this.redirect(attempt, 'PUT', 'CREATE', path, params));
    await this.dataNodeCall('PUT', 'CREATE', path, redirect, body, [201]);
  }

  /** APPEND in two steps; not retried after the first step, for the reason CREATE without overwrite is not. */
  async append(path: string, body: UploadBody): Promise<void> {
    const redirect = await this.retrying('APPEND', path, (attempt) => this.redirect(attempt, 'POST', 'APPEND', path, {}));
    await this.dataNodeCall('POST', 'APPEND', path, redirect, body, [200]);
  }

  private async retrying<T>(operation: string, path: string, attempt: (n: number, lostBefore: boolean) => Promise<T>): Promise<T> {
    let lost = false;
    return withRetries(operation, path, this.policy, this.random, { onRetriable: (failure, n) => this.onRetriable(failure, n) }, async (n) => {
      try {
        return await attempt(n, lost);
      } catch (error) {
        if (error instanceof WebHdfsConnectionError) lost = true;
        throw error;
      }
    });
  }

  /** Moves to the next NameNode on a failover-worthy failure; the first switch is tried at once. */
  private onRetriable(failure: WebHdfsFailure, attempt: number): boolean {
    if (!failure.failover || this.options.nameNodes.length < 2) return false;
    this.active = (this.active + 1) % this.options.nameNodes.length;
    return attempt < this.options.nameNodes.length - 1;
  }

  private nameNodeCall(method: Method, op: string, path: string, params: Record<string, string>, expected: number[]): Promise<HttpAnswer> {
    return this.retrying(op, path, (attempt) => this.attemptNameNode(attempt, method, op, path, params, expected));
  }

  private async attemptNameNode(_attempt: number, method: Method, op: string, path: string, params: Record<string, string>, expected: number[]): Promise<HttpAnswer> {
    const url = this.url(this.activeNameNode, op, path, params);
    const answer = await this.send(op, path, { method, url, idleTimeoutMs: this.metadataMs }, true);
    if (!expected.includes(answer.status)) throw errorFromResponse(op, path, answer.status, answer.body);
    return answer;
  }

  private async redirect(attempt: number, method: Method, op: string, path: string, params: Record<string, string>): Promise<Redirect> {
    const asked = this.options.noRedirect ? { ...params, noredirect: 'true' } : params;
    const answer = await this.attemptNameNode(attempt, method, op, path, asked, [200, 307]);
    const location = answer.status === 307 ? answer.headers.location : (json(answer) as Partial<LocationAnswer>).Location;
    if (!location) throw new WebHdfsError(op, path, answer.status, 'HTTP' + answer.status, 'the NameNode named no DataNode (no Location)');
    return { location };
  }

  private async dataNodeCall(method: Method, op: string, path: string, redirect: Redirect, body: UploadBody | undefined, expected: number[]): Promise<HttpAnswer> {
    const url = this.mapDataNodeHost(redirect.location);
    const answer = await this.send(op, path, { method, url, body, idleTimeoutMs: this.dataMs }, false);
    if (!expected.includes(answer.status)) throw errorFromResponse(op, path, answer.status, answer.body);
    return answer;
  }

  private async send(op: string, path: string, request: HttpRequest, toNameNode: boolean): Promise<HttpAnswer> {
    try {
      return await exchange(request);
    } catch (error) {
      throw new WebHdfsConnectionError(op, path, request.url, error as Error, toNameNode);
    }
  }

  private mapDataNodeHost(location: string): string {
    const url = new URL(location);
    const hosts = this.options.dataNodeHosts ?? {};
    const mapped = hosts[url.host] ?? hosts[url.hostname];
    if (!mapped) return location;
    if (/:\d+$/.test(mapped)) url.host = mapped;
    else url.hostname = mapped;
    return url.toString();
  }

  private url(base: string, op: string, path: string, params: Record<string, string>): string {
    if (!path.startsWith('/')) throw new WebHdfsError(op, path, 0, 'IllegalArgumentException', 'WebHDFS paths are absolute');
    const query = new URLSearchParams({ op, ...params });
    if (params.destination !== undefined && !params.destination.startsWith('/')) throw new WebHdfsError(op, path, 0, 'IllegalArgumentException', 'the destination must be absolute');
    const { user, doas, delegation } = this.options;
    if (delegation) query.set('delegation', delegation);
    else if (user) query.set('user.name', user);
    if (doas) query.set('doas', doas);
    return `${base.replace(/\/+$/, '')}/webhdfs/v1${encodeHdfsPath(path)}?${query.toString()}`;
  }
}

/** Percent-encodes each path segment but keeps `=` as is: Hive's `dt=2026-11-21` must reach HDFS unescaped. */
export function encodeHdfsPath(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment).replace(/%3D/g, '=')).join('/');
}

function json(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new WebHdfsError('parse', '', answer.status, 'HTTP' + answer.status, `the answer is not JSON: ${answer.body.toString('utf8').slice(0, 100)}`);
  }
}

function booleanOf(answer: HttpAnswer): boolean {
  const value = (json(answer) as Partial<Record<keyof BooleanAnswer, unknown>>).boolean;
  if (typeof value !== 'boolean') throw new WebHdfsError('parse', '', answer.status, 'HTTP' + answer.status, `expected {"boolean": …}, got ${answer.body.toString('utf8').slice(0, 100)}`);
  return value;
}
