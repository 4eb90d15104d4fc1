import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

/** The longest file name (in bytes) that ext4, xfs and most other file systems accept. */
export const MAX_FILE_NAME_BYTES = 255;
const TEMP_SUFFIX = '.tmp';

/**
 * `<file>.tmp` beside `filePath`, or, when that name would be too long, a
 * fixed-length name derived from it: the same file always gets the same
 * temporary, so a crash leaves at most one behind and the next write reuses it.
 */
export function temporaryFileFor(filePath: string): string {
  const name = path.basename(filePath) + TEMP_SUFFIX;
  if (Buffer.byteLength(name) <= MAX_FILE_NAME_BYTES) return filePath + TEMP_SUFFIX;
  const digest = createHash('sha256').update(path.basename(filePath)).digest('hex').slice(0, 32);
  return path.join(path.dirname(filePath), `.${digest}${TEMP_SUFFIX}`);
}

/** Replaces `filePath` with `content` so that a crash leaves either the old or the new file whole. */
export function writeFileAtomically(filePath: string, content: string | Buffer): void {
  const temporary = temporaryFileFor(filePath);
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, filePath);
  syncDirectory(path.dirname(filePath));
}

export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
