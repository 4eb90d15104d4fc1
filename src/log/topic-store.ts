import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from './atomic-file';
import { LogStorageError } from './errors';
import type { TopicConfigOverrides } from './log-config';
import { validateTopicName } from './topic-name';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface TopicMetadata {
  name: string;
  /** A random UUID given at creation; topics stored before ids existed get one on their first open. */
  topicId: string;
  partitions: number;
  /** Kafka-named overrides of the broker defaults, e.g. {"retention.ms": "3600000"}. */
  config: TopicConfigOverrides;
  createdAt: string;
}

/** Persists one JSON file per topic under <data-dir>/__topics/. */
export class TopicStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, '__topics');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  private fileFor(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  save(topic: TopicMetadata): void {
    writeFileAtomically(this.fileFor(topic.name), JSON.stringify(topic, null, 2) + '\n');
  }

  remove(name: string): void {
    fs.rmSync(this.fileFor(name), { force: true });
  }

  /**
   * Every stored topic, each checked; an error names the file and the field. A topic stored without an id has
   * topicId ''. Config values are not judged here: the log manager sets aside those it cannot use, so a start
   * never fails on them.
   */
  loadAll(): TopicMetadata[] {
    return fs
      .readdirSync(this.dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => this.load(path.join(this.dir, file)));
  }

  private load(file: string): TopicMetadata {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new LogStorageError(file, `not valid JSON: ${(error as Error).message}`);
    }
    const topic = parsed as Partial<TopicMetadata>;
    const fail = (field: string, why: string): never => {
      throw new LogStorageError(file, `field "${field}" ${why}`);
    };
    if (typeof topic.name !== 'string') fail('name', 'must be a string');
    try {
      validateTopicName(topic.name as string);
    } catch (error) {
      fail('name', (error as Error).message);
    }
    if (path.basename(file) !== `${topic.name}.json`) fail('name', `does not match the file name`);
    if (!Number.isInteger(topic.partitions) || (topic.partitions as number) < 1) fail('partitions', 'must be an integer ≥ 1');
    if (topic.topicId !== undefined && (typeof topic.topicId !== 'string' || !UUID_TEXT.test(topic.topicId))) fail('topicId', 'must be a UUID in text form');
    const config = topic.config ?? {};
    if (typeof config !== 'object' || Object.values(config).some((v) => typeof v !== 'string')) {
      fail('config', 'must map config names to string values');
    }
    return {
      name: topic.name as string,
      topicId: topic.topicId ?? '',
      partitions: topic.partitions as number,
      config,
      createdAt: String(topic.createdAt ?? ''),
    };
  }
}
