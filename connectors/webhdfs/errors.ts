import type { RemoteException } from '../../src/ports/webhdfs-wire';

/** What the client does about a failure: try the same NameNode again later, try another one, or give up. */
export interface FailureHandling {
  retriable: boolean;
  failover: boolean;
}

/**
 * Remote exceptions whose handling is not "give up". Hadoop's own WebHDFS client retries these
 * (RetryPolicies.failoverOnNetworkException plus RetriableException); everything else a NameNode
 * says is an answer about the namespace and retrying cannot change it.
 */
const HANDLING: Record<string, FailureHandling> = {
  StandbyException: { retriable: true, failover: true },
  RetriableException: { retriable: true, failover: true },
  ObserverRetryOnActiveException: { retriable: true, failover: true },
  SafeModeException: { retriable: true, failover: false },
  LeaseExpiredException: { retriable: false, failover: false },
};

/** Answers about the namespace: even behind a 500 (HttpFS maps most IOExceptions to 500) a retry cannot help. */
const PERMANENT = new Set([
  'FileNotFoundException', 'FileAlreadyExistsException', 'AccessControlException', 'PathIsNotEmptyDirectoryException',
  'ParentNotDirectoryException', 'IllegalArgumentException', 'UnsupportedOperationException', 'SecurityException',
  'InvalidToken', 'AlreadyBeingCreatedException', 'QuotaExceededException', 'NSQuotaExceededException', 'DSQuotaExceededException',
]);

export function handlingOf(exception: string, status: number): FailureHandling {
  const known = HANDLING[exception];
  if (known) return known;
  if (PERMANENT.has(exception)) return { retriable: false, failover: false };
  // A bare 500 (an unexpected server-side IOException) or a 502-504 from a proxy in front of the NameNode.
  return { retriable: status >= 500, failover: false };
}

/** A RemoteException from a NameNode or DataNode, or an HTTP answer that was not one. */
export class WebHdfsError extends Error {
  readonly retriable: boolean;
  readonly failover: boolean;

  constructor(
    readonly operation: string,
    readonly path: string,
    readonly status: number,
    readonly exception: string,
    readonly remoteMessage: string,
    readonly javaClassName = '',
  ) {
    super(`WebHDFS ${operation} ${path}: ${status} ${exception}: ${remoteMessage}`);
    this.name = 'WebHdfsError';
    ({ retriable: this.retriable, failover: this.failover } = handlingOf(exception, status));
  }
}

/**
 * No answer: refused, reset, timed out or cut off. For anything but a read the outcome is
 * unknown, which is why callers of RENAME and CREATE look before they retry.
 */
export class WebHdfsConnectionError extends Error {
  readonly retriable = true;
  readonly failover: boolean;

  constructor(readonly operation: string, readonly path: string, readonly url: string, override readonly cause: Error, readonly toNameNode: boolean) {
    super(`WebHDFS ${operation} ${path}: no answer from ${url}: ${cause.message}`);
    this.name = 'WebHdfsConnectionError';
    this.failover = toNameNode;
  }
}

/** A file that arrived shorter or longer than what was sent: the body was cut and the DataNode closed the file anyway. */
export class WebHdfsLengthMismatchError extends Error {
  readonly retriable = true;
  readonly failover = false;

  constructor(readonly path: string, readonly expected: number, readonly actual: number) {
    super(`WebHDFS upload ${path}: the file holds ${actual} bytes, ${expected} were sent`);
    this.name = 'WebHdfsLengthMismatchError';
  }
}

export type WebHdfsFailure = WebHdfsError | WebHdfsConnectionError | WebHdfsLengthMismatchError;

export function isWebHdfsFailure(error: unknown): error is WebHdfsFailure {
  return error instanceof WebHdfsError || error instanceof WebHdfsConnectionError || error instanceof WebHdfsLengthMismatchError;
}

/** What may arrive: any field of a RemoteException missing or of the wrong type (a proxy's error page, HttpFS). */
interface RemoteExceptionBody {
  RemoteException?: { [K in keyof RemoteException]?: unknown };
}

/** Reads Hadoop's `{"RemoteException": {...}}` body; anything else becomes an error named after the HTTP status. */
export function errorFromResponse(operation: string, path: string, status: number, body: Buffer): WebHdfsError {
  let parsed: RemoteExceptionBody | null = null;
  try {
    parsed = JSON.parse(body.toString('utf8')) as RemoteExceptionBody;
  } catch {
    parsed = null;
  }
  const remote = parsed?.RemoteException;
  if (remote && typeof remote.exception === 'string') {
    return new WebHdfsError(operation, path, status, remote.exception, String(remote.message ?? ''), String(remote.javaClassName ?? ''));
  }
  const text = body.toString('utf8').slice(0, 200).trim();
  return new WebHdfsError(operation, path, status, `HTTP${status}`, text || 'no RemoteException in the answer');
}

/** An HTTP exchange that made no progress for its timeout. */
export class HttpTimeoutError extends Error {
  constructor(url: string, ms: number) {
    super(`no progress for ${ms} ms from ${url}`);
    this.name = 'HttpTimeoutError';
  }
}
