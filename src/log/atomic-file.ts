import * as fs from 'node:fs';
import * as path from 'node:path';

/** Replaces `filePath` with `content` so that a crash leaves either the old or the new file whole. */
export function writeFileAtomically(filePath: string, content: string | Buffer): void {
  const temporary = `${filePath}.tmp`;
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
