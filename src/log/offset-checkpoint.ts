import * as fs from 'node:fs';
import { writeFileAtomically } from './atomic-file';
import { LogStorageError } from './errors';

const VERSION = 0;

export type PartitionOffsets = Map<string, number>; // key: "<topic>-<partition>" directory name

/**
 * Kafka's offset checkpoint file (recovery-point-offset-checkpoint): a version
 * line, an entry count, then "topic partition offset" per line.
 */
export function writeOffsetCheckpoint(filePath: string, offsets: { topic: string; partition: number; offset: number }[]): void {
  const lines = [String(VERSION), String(offsets.length), ...offsets.map((o) => `${o.topic} ${o.partition} ${o.offset}`)];
  writeFileAtomically(filePath, lines.join('\n') + '\n');
}

export function readOffsetCheckpoint(filePath: string): PartitionOffsets {
  const offsets: PartitionOffsets = new Map();
  if (!fs.existsSync(filePath)) return offsets;
  const lines = fs.readFileSync(filePath, 'utf8').split('\n').filter((line) => line.length > 0);
  const fail = (line: number, why: string): never => {
    throw new LogStorageError(filePath, `line ${line}: ${why}`);
  };
  if (Number(lines[0]) !== VERSION) fail(1, `unsupported version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) fail(2, `count ${lines[1]} does not match ${lines.length - 2} entries`);
  lines.slice(2).forEach((line, i) => {
    const match = /^(\S+) (\d+) (\d+)$/.exec(line);
    if (!match) fail(i + 3, `expected "topic partition offset", got ${JSON.stringify(line)}`);
    else offsets.set(`${match[1]}-${match[2]}`, Number(match[3]));
  });
  return offsets;
}
