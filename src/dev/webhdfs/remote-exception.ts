/**
 * WebHDFS errors as Hadoop sends them: {"RemoteException": {exception, javaClassName, message}}, with the HTTP status
 * Hadoop's ExceptionHandler picks (404 FileNotFound, 400 IllegalArgument/Unsupported, 403 Security and every other
 * IOException, 500 the rest).
 */

import type { RemoteExceptionAnswer } from '../../ports/webhdfs-wire';

/** Simple exception name → Java class, for the exceptions the emulator raises or a test is likely to inject. */
const JAVA_CLASSES: Record<string, string> = {
  FileNotFoundException: 'java.io.FileNotFoundException',
  IOException: 'java.io.IOException',
  IllegalArgumentException: 'java.lang.IllegalArgumentException',
  UnsupportedOperationException: 'java.lang.UnsupportedOperationException',
  SecurityException: 'java.lang.SecurityException',
  NullPointerException: 'java.lang.NullPointerException',
  AccessControlException: 'org.apache.hadoop.security.AccessControlException',
  InvalidToken: 'org.apache.hadoop.security.token.SecretManager$InvalidToken',
  FileAlreadyExistsException: 'org.apache.hadoop.fs.FileAlreadyExistsException',
  PathIsNotEmptyDirectoryException: 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException',
  ParentNotDirectoryException: 'org.apache.hadoop.fs.ParentNotDirectoryException',
  InvalidPathException: 'org.apache.hadoop.fs.InvalidPathException',
  AlreadyBeingCreatedException: 'org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException',
  LeaseExpiredException: 'org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException',
  SafeModeException: 'org.apache.hadoop.hdfs.server.namenode.SafeModeException',
  StandbyException: 'org.apache.hadoop.ipc.StandbyException',
  RetriableException: 'org.apache.hadoop.ipc.RetriableException',
  RemoteException: 'org.apache.hadoop.ipc.RemoteException',
  QuotaExceededException: 'org.apache.hadoop.hdfs.protocol.QuotaExceededException',
  DSQuotaExceededException: 'org.apache.hadoop.hdfs.protocol.DSQuotaExceededException',
};

/** The Java class for a simple name; a dotted name is taken as the class itself. */
export function javaClassNameOf(exception: string): string {
  if (exception.includes('.')) return exception;
  return JAVA_CLASSES[exception] ?? `org.apache.hadoop.ipc.${exception}`;
}

/** The simple name of a possibly dotted class name (`java.io.IOException` → `IOException`). */
export function simpleNameOf(exception: string): string {
  return exception.slice(exception.lastIndexOf('.') + 1);
}

/** The status Hadoop's WebHDFS ExceptionHandler gives an exception. */
export function statusFor(exception: string): number {
  switch (simpleNameOf(exception)) {
    case 'FileNotFoundException':
      return 404;
    case 'IllegalArgumentException':
    case 'UnsupportedOperationException':
    case 'InvalidPathException':
      return 400;
    case 'NullPointerException':
      return 500;
    default:
      return 403;
  }
}

/** An error the emulator answers as a RemoteException. */
export class WebHdfsError extends Error {
  readonly exception: string;
  readonly javaClassName: string;
  readonly status: number;

  constructor(exception: string, message: string, status?: number) {
    super(message);
    this.name = 'WebHdfsError';
    this.exception = simpleNameOf(exception);
    this.javaClassName = javaClassNameOf(exception);
    this.status = status ?? statusFor(exception);
  }

  toBody(): RemoteExceptionAnswer {
    return { RemoteException: { exception: this.exception, javaClassName: this.javaClassName, message: this.message } };
  }
}

export const fileNotFound = (message: string) => new WebHdfsError('FileNotFoundException', message);
export const illegalArgument = (message: string) => new WebHdfsError('IllegalArgumentException', message);
export const ioException = (message: string) => new WebHdfsError('IOException', message);
export const alreadyExists = (message: string) => new WebHdfsError('FileAlreadyExistsException', message);

/** A parameter that does not parse, worded as Hadoop's Param classes word it. */
export function invalidParam(name: string, problem: string): WebHdfsError {
  return illegalArgument(`Invalid value for webhdfs parameter "${name}": ${problem}`);
}

/** Turns any error thrown while serving a request into the RemoteException to answer. */
export function toWebHdfsError(error: unknown): WebHdfsError {
  if (error instanceof WebHdfsError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return fileNotFound(message);
  if (code === 'EEXIST') return alreadyExists(message);
  if (code === 'ENOTDIR') return new WebHdfsError('ParentNotDirectoryException', message);
  if (code === 'ENAMETOOLONG') {
    return new WebHdfsError('org.apache.hadoop.hdfs.protocol.FSLimitException$PathComponentTooLongException', message);
  }
  if (code === 'EACCES' || code === 'EPERM') return new WebHdfsError('AccessControlException', message);
  return new WebHdfsError('IOException', message, 500);
}
