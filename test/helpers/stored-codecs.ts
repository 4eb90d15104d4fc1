import * as path from 'node:path';
import { inspectPartitionDir } from '../../src/log/segment-inspector';

/** The codec of every batch stored in a partition, read from its segments as `sluice log dump` reads them. */
export function storedCodecs(dataDir: string, topic: string, partition = 0): string[] {
  const batches = inspectPartitionDir(path.join(dataDir, `${topic}-${partition}`)).flatMap((segment) => segment.batches);
  const bad = batches.find((b) => b.status !== 'ok');
  if (bad) throw new Error(`${topic}-${partition}: batch at offset ${bad.baseOffset} is ${bad.status}`);
  return batches.map((b) => b.compression);
}
