import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DELETE_DIR_SUFFIX, parsePartitionDirName } from './file-names';
import type { TopicMetadata } from './topic-store';
import { validateTopicName } from './topic-name';

/** Runs a step of the start; a failure is reported by the caller and skipped. True when it succeeded. */
export type Attempt = (what: string, step: () => void) => boolean;

/**
 * Squares the partition directories with the stored topics, at start: finishes deletes a crash interrupted
 * (`-delete` directories), and adopts data without metadata rather than deleting it (nothing accepted is
 * lost), growing a topic to the partitions found. Answers the topics whose metadata changed.
 */
export function reconcileTopicDirs(dataDir: string, known: Map<string, TopicMetadata>, now: () => number, attempt: Attempt): Set<string> {
  const changed = new Set<string>();
  const dirs = fs.readdirSync(dataDir, { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const dir of dirs) {
    if (dir.name.endsWith(DELETE_DIR_SUFFIX)) attempt(`removing ${dir.name}`, () => fs.rmSync(path.join(dataDir, dir.name), { recursive: true, force: true }));
  }
  for (const dir of dirs) {
    const parsed = parsePartitionDirName(dir.name);
    if (!parsed || dir.name.endsWith(DELETE_DIR_SUFFIX)) continue;
    const existing = known.get(parsed.topic);
    if (!existing) {
      if (!attempt(`adopting directory ${dir.name}`, () => validateTopicName(parsed.topic))) continue;
      known.set(parsed.topic, { name: parsed.topic, topicId: randomUUID(), partitions: parsed.partition + 1, config: {}, createdAt: new Date(now()).toISOString() });
      changed.add(parsed.topic);
    } else if (existing.partitions <= parsed.partition) {
      existing.partitions = parsed.partition + 1;
      changed.add(parsed.topic);
    }
  }
  return changed;
}
