/**
 * WebHDFS's JSON answers as Hadoop's JsonUtil writes them: the one declaration that the client
 * (`connectors/webhdfs/`) reads and the emulator (`src/dev/webhdfs/`) writes. Fields an older
 * NameNode may leave out are optional; the emulator always sends them (`Required<…>`).
 */

export type FileType = 'FILE' | 'DIRECTORY' | 'SYMLINK';

export interface FileStatus {
  accessTime: number;
  blockSize: number;
  childrenNum?: number;
  fileId?: number;
  group: string;
  length: number;
  modificationTime: number;
  owner: string;
  /** The entry's name inside the listed directory; "" for GETFILESTATUS and for a file listing itself. */
  pathSuffix: string;
  /** Octal without a leading zero: "644", "755", "1777". */
  permission: string;
  replication: number;
  storagePolicy?: number;
  type: FileType;
}

export interface ContentSummary {
  directoryCount: number;
  fileCount: number;
  length: number;
  /** -1 when no quota is set, as for spaceQuota. */
  quota: number;
  /** Bytes times replication. */
  spaceConsumed: number;
  spaceQuota: number;
  /** Per storage type (SSD, DISK, ARCHIVE …); empty when none is set. */
  typeQuota?: Record<string, { consumed: number; quota: number }>;
}

export interface RemoteException {
  /** The simple class name: `FileNotFoundException`. */
  exception: string;
  javaClassName: string;
  message: string;
}

/** GETFILESTATUS */
export interface FileStatusAnswer {
  FileStatus: FileStatus;
}

/** LISTSTATUS */
export interface FileStatusesAnswer {
  FileStatuses: { FileStatus: FileStatus[] };
}

/** LISTSTATUS_BATCH (Hadoop 2.8+): one page, continued with `startAfter` = the last pathSuffix. */
export interface DirectoryListingAnswer {
  DirectoryListing: { partialListing: FileStatusesAnswer; remainingEntries: number };
}

/** GETCONTENTSUMMARY */
export interface ContentSummaryAnswer {
  ContentSummary: ContentSummary;
}

/** MKDIRS, RENAME, DELETE, SETREPLICATION */
export interface BooleanAnswer {
  boolean: boolean;
}

/** Step 1 of CREATE/APPEND/OPEN with `noredirect=true`: where step 2 goes. */
export interface LocationAnswer {
  Location: string;
}

/** GETDELEGATIONTOKEN */
export interface TokenAnswer {
  Token: { urlString: string };
}

/** Any failure, with the HTTP status Hadoop's ExceptionHandler picks. */
export interface RemoteExceptionAnswer {
  RemoteException: RemoteException;
}
