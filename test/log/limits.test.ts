import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogManager, RECOVERY_CHECKPOINT_FILE } from '../../src/log/log-manager';
import { OpenFileCache } from '../../src/log/open-file-cache';
import { MAX_FILE_NAME_BYTES, temporaryFileFor, writeFileAtomically } from '../../src/log/atomic-file';
import { deleteDirName } from '../../src/log/file-names';
import { LogStorageError } from '../../src/log/errors';
import { KafkaError, KafkaErrors } from '../../src/protocol/error-codes';
import { storageLimits } from '../../src/broker/storage-limits';
import { makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

const LONGEST_TOPIC = 'x'.repeat(249);

function descriptorsOpen(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

describe('names that fit in 255 bytes', () => {
  const tmp = useTempDir();

  it('gives a file whose name leaves no room for ".tmp" a short temporary name of its own', () => {
    assert.equal(temporaryFileFor('/d/short.json'), '/d/short.json.tmp');
    const long = path.join(tmp(), `${LONGEST_TOPIC}.json`);
    const temporary = temporaryFileFor(long);
    assert.ok(path.basename(temporary).length <= MAX_FILE_NAME_BYTES);
    assert.equal(temporaryFileFor(long), temporary, 'the same file always gets the same temporary');
    assert.notEqual(temporaryFileFor(path.join(tmp(), `${'y'.repeat(249)}.json`)), temporary);
    writeFileAtomically(long, 'whole\n');
    assert.equal(fs.readFileSync(long, 'utf8'), 'whole\n');
  });

  it('cuts the topic in a delete directory name as Kafka does', () => {
    const name = deleteDirName(LONGEST_TOPIC, 999, 'f'.repeat(32));
    assert.equal(name.length, MAX_FILE_NAME_BYTES);
    assert.match(name, /^x+-999\.f{32}-delete$/);
    assert.equal(deleteDirName('clicks', 3, 'abc'), 'clicks-3.abc-delete');
  });

  it('creates, fills, deletes and reopens topics of 249 characters', () => {
    const manager = LogManager.open(tmp());
    manager.createTopic(LONGEST_TOPIC, 12);
    manager.createTopic('z'.repeat(249), 2);
    manager.partition(LONGEST_TOPIC, 11).append(makeBatch('long', 3));
    manager.deleteTopic('z'.repeat(249));
    manager.close();
    const reopened = LogManager.open(tmp());
    assert.deepEqual(reopened.listTopics().map((t) => t.name), [LONGEST_TOPIC]);
    assert.equal(reopened.partition(LONGEST_TOPIC, 11).logEndOffset, 3);
    reopened.close();
    assert.deepEqual(fs.readdirSync(tmp()).filter((e) => e.startsWith('z')), []);
  });
});

describe('storage limits', () => {
  const tmp = useTempDir();

  it('derives max.partitions and the open-file budget from the open-file limit; explicit settings win', () => {
    assert.deepEqual(storageLimits({}, 1024), { openFileLimit: 1024, maxOpenFiles: 512, maxPartitions: 170 });
    assert.equal(storageLimits({}, 1_048_576).maxPartitions, 4000, "Kafka's per-broker guidance caps the default");
    assert.deepEqual(storageLimits({ maxPartitions: 7, maxOpenFiles: 64 }, 1024), { openFileLimit: 1024, maxOpenFiles: 64, maxPartitions: 7 });
  });

  it('refuses a topic that would pass max.partitions with POLICY_VIOLATION and leaves nothing behind', () => {
    const manager = LogManager.open(tmp(), { maxPartitions: 10 });
    manager.createTopic('a', 6);
    assert.throws(
      () => manager.createTopic('b', 5),
      (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors.POLICY_VIOLATION.code && /max\.partitions is 10/.test(e.message),
    );
    manager.createTopic('c', 4);
    assert.equal(manager.partitionCount, 10);
    manager.close();
    assert.deepEqual(fs.readdirSync(tmp()).filter((e) => e.startsWith('b')), []);
  });

  it('keeps descriptors bounded however many partitions and segments there are', async () => {
    const before = descriptorsOpen();
    const manager = LogManager.open(tmp(), { maxOpenFiles: 16, defaults: { segmentBytes: 400, retentionMs: -1 } });
    manager.createTopic('wide', 100);
    for (let round = 0; round < 3; round++) {
      for (let p = 0; p < 100; p++) manager.partition('wide', p).append(makeBatch(`r${round}`, 2, { valueBytes: 100 }));
    }
    assert.ok(manager.partition('wide', 7).segmentCount >= 3, 'every partition rolled segments');
    const during = descriptorsOpen() - before;
    assert.ok(during <= 16 + 4, `${during} descriptors for 100 partitions × ${manager.partition('wide', 7).segmentCount} segments`);
    for (let p = 0; p < 100; p += 7) assert.equal(manager.partition('wide', p).read(0, 1 << 20).records.length > 0, true);
    manager.close();
    await new Promise((resolve) => setTimeout(resolve, 300)); // background fdatasyncs in flight finish first
    assert.ok(descriptorsOpen() - before <= 1, `close releases them (${descriptorsOpen() - before} left)`);
  });

  it('keeps a descriptor that an fdatasync in flight uses, and closes it when the sync ends', async () => {
    const cache = new OpenFileCache(8);
    const files = Array.from({ length: 12 }, (_, i) => cache.file(path.join(tmp(), `f${i}`)));
    assert.equal(cache.openCount, 8);
    const syncing = files[0].withFdAsync((fd) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))));
    for (const file of files.slice(1)) file.withFd((fd) => fs.writeSync(fd, 'x'));
    files[0].close();
    assert.equal(cache.openCount, 8, 'the pinned file stays open through eviction and close');
    await syncing; // an evicted descriptor would fail this fdatasync with EBADF
    assert.equal(cache.openCount, 7, 'and is closed once the sync ended');
    assert.throws(() => files[0].withFd(() => undefined), LogStorageError);
  });
});

describe('a start that nothing a client made can stop', () => {
  const tmp = useTempDir();

  it('skips a partition directory that cannot be opened, names it in the log, and answers KAFKA_STORAGE_ERROR for it', () => {
    const first = LogManager.open(tmp());
    first.createTopic('fine', 2);
    first.partition('fine', 0).append(makeBatch('kept', 2));
    first.close();
    // A gap between segments is damage an operator must look at: that one partition cannot open.
    fs.writeFileSync(path.join(tmp(), 'fine-1', '00000000000000000100.log'), '');
    fs.writeFileSync(path.join(tmp(), 'fine-1', '00000000000000000000.log'), makeBatch('a', 2));
    const lines: string[] = [];
    const manager = LogManager.open(tmp(), { log: (line) => lines.push(line) });
    assert.equal(lines.length, 1);
    assert.match(lines[0], /partition directory fine-1 cannot be opened and is skipped/);
    assert.equal(manager.partition('fine', 0).logEndOffset, 2);
    assert.throws(() => manager.partition('fine', 1), (e: unknown) => e instanceof LogStorageError && e.code === KafkaErrors.KAFKA_STORAGE_ERROR.code);
    manager.close();
  });

  it('reports a recovery-point checkpoint that fails in the background instead of dying', async () => {
    const lines: string[] = [];
    const manager = LogManager.open(tmp(), { recoveryPointCheckpointIntervalMs: 10, log: (line) => lines.push(line) });
    manager.createTopic('t', 1);
    // The temporary is a directory now, so writing the checkpoint fails on every tick.
    fs.mkdirSync(temporaryFileFor(path.join(tmp(), RECOVERY_CHECKPOINT_FILE)));
    manager.startBackgroundTasks();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lines.length, 1, 'reported once, not on every tick');
    assert.match(lines[0], /recovery-point checkpoint failed \(tried again later\)/);
    fs.rmdirSync(temporaryFileFor(path.join(tmp(), RECOVERY_CHECKPOINT_FILE)));
    manager.close();
  });
});
