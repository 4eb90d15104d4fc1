export interface SinkEntry {
  /** Path relative to the sink root, with forward slashes. */
  path: string;
  type: 'file' | 'directory';
  length: number;
  /** For a directory from `status`: how many entries it holds, when the sink can tell in one call (WebHDFS `childrenNum`). */
  children?: number;
}

export class SinkError extends Error {
  constructor(readonly sinkPath: string, readonly operation: string, detail: string, readonly remoteException?: string) {
    super(`${operation} ${sinkPath}: ${detail}`);
    this.name = 'SinkError';
  }
}

/** The target already exists and overwriting was not allowed (HDFS: FileAlreadyExistsException). */
export class SinkFileExistsError extends SinkError {
  constructor(sinkPath: string) {
    super(sinkPath, 'create', 'already exists', 'FileAlreadyExistsException');
    this.name = 'SinkFileExistsError';
  }
}

/**
 * Where a load writes: a local directory now, HDFS through WebHDFS later. The
 * operations are the ones WebHDFS has, with its semantics: files are created
 * without overwriting, a rename answers false (never silently) when it cannot
 * happen, and parents of a created file are created.
 */
export interface Sink {
  /** The path or URL the sink was opened with; opening it again gives the same sink. */
  readonly location: string;
  readonly description: string;
  /** A local path where writers may put `sinkPath` directly (no upload needed), or null if the sink is remote. */
  localPath(sinkPath: string): string | null;
  /** Copies a finished local file to `sinkPath`; SinkFileExistsError if something is there. */
  upload(localFile: string, sinkPath: string): Promise<void>;
  /** Creates a small file (state, checkpoints); SinkFileExistsError if something is there. */
  writeFile(sinkPath: string, data: Buffer): Promise<void>;
  readFile(sinkPath: string): Promise<Buffer>;
  /** Adds `data` at the end of a file, creating it (and its parents) when missing (WebHDFS: APPEND, CREATE if absent). */
  append(sinkPath: string, data: Buffer): Promise<void>;
  /** False when the source is missing, the destination exists, or its parent is missing. */
  rename(from: string, to: string): Promise<boolean>;
  /** False when nothing was there. */
  delete(sinkPath: string, recursive: boolean): Promise<boolean>;
  mkdirs(sinkPath: string): Promise<void>;
  status(sinkPath: string): Promise<SinkEntry | null>;
  /** Entries directly inside `dir`; empty when `dir` does not exist. */
  list(dir: string): Promise<SinkEntry[]>;
}

export function joinSinkPath(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join('/').replace(/\/+/g, '/');
}
