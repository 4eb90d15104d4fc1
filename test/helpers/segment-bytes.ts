import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bytes of a partition's `.log` segment files on disk: what DescribeLogDirs' PartitionSize must say. */
export function segmentBytes(dataDir: string, topic: string, partition: number): number {
  const dir = path.join(dataDir, `${topic}-${partition}`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}
