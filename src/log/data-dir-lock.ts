import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogStorageError } from './errors';

export const LOCK_FILE = '.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a data directory for this process. A lock left by a process that has
 * died (a crash, kill -9) is taken over; one held by a live process is refused.
 * The same process may claim again: tests reopen a directory to simulate a crash.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(fs.readFileSync(file, 'utf8').trim());
    if (owner === process.pid) return () => fs.rmSync(file, { force: true });
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new LogStorageError(dataDir, `in use by process ${owner} (remove ${file} if that process is not a sluice broker)`);
    }
    fs.rmSync(file, { force: true });
  }
  throw new LogStorageError(dataDir, `could not take the lock ${file}`);
}
