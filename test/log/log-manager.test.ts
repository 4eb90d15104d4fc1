import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogManager } from '../../src/log/log-manager';
import { InvalidConfigError, InvalidTopicError, LogStorageError, TopicExistsError, UnknownTopicError } from '../../src/log/errors';
import { makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

describe('log manager', () => {
  const tmp = useTempDir();

  it('lays topics out as <topic>-<partition> directories and persists their metadata', () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('page_views', 3, { 'retention.ms': '3600000' });
    manager.partition('page_views', 2).append(makeBatch('x', 4));
    manager.close();
    const entries = fs.readdirSync(tmp()).sort();
    assert.deepEqual(entries, ['.sluice_cleanshutdown', '__topics', 'page_views-0', 'page_views-1', 'page_views-2', 'recovery-point-offset-checkpoint']);
    assert.deepEqual(fs.readdirSync(path.join(tmp(), 'page_views-2')).sort(), [
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
      '00000000000000000004.snapshot', // producer state at the log end, written at clean shutdown
    ]);
    const stored = JSON.parse(fs.readFileSync(path.join(tmp(), '__topics', 'page_views.json'), 'utf8'));
    assert.equal(stored.partitions, 3);
    assert.deepEqual(stored.config, { 'retention.ms': '3600000' });
    assert.match(fs.readFileSync(path.join(tmp(), 'recovery-point-offset-checkpoint'), 'utf8'), /^0\n3\n(page_views \d \d+\n){3}$/);

    const reopened = LogManager.open(tmp());
    assert.deepEqual(reopened.listTopics().map((t) => [t.name, t.partitions]), [['page_views', 3]]);
    assert.equal(reopened.topicConfig('page_views').retentionMs, 3_600_000);
    assert.equal(reopened.topicConfig('page_views').segmentBytes, reopened.defaultConfig.segmentBytes, 'broker default applies');
    assert.equal(reopened.partition('page_views', 2).logEndOffset, 4);
    reopened.close();
  });

  it('rejects bad names, duplicates, bad partition counts and unknown configs with Kafka codes', () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('t', 1);
    assert.throws(() => manager.createTopic('../escape', 1), InvalidTopicError);
    assert.throws(() => manager.createTopic('t', 1), TopicExistsError);
    assert.throws(() => manager.createTopic('u', 0), (e: unknown) => (e as { code: number }).code === 37);
    assert.throws(() => manager.createTopic('u', 1001), /allowed: 1 to 1000/);
    assert.throws(() => manager.createTopic('v', 1, { 'retention.ms': 'soon' }), (e: unknown) => e instanceof InvalidConfigError && /retention\.ms=soon/.test(e.message));
    assert.throws(() => manager.createTopic('w', 1, { 'colour': 'red' }), /Unknown topic config name: colour/);
    assert.throws(() => manager.partition('t', 1), UnknownTopicError);
    assert.throws(() => manager.partition('nope', 0), UnknownTopicError);
    assert.deepEqual(manager.listTopics().map((t) => t.name), ['t']);
    assert.deepEqual(fs.readdirSync(tmp()).filter((f) => !f.startsWith('__') && f.includes('-')).sort(), ['recovery-point-offset-checkpoint', 't-0']);
    manager.close();
  });

  it('deletes a topic with its data and metadata', () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('gone', 2);
    manager.partition('gone', 0).append(makeBatch('x', 1));
    manager.deleteTopic('gone');
    assert.equal(manager.hasTopic('gone'), false);
    assert.deepEqual(fs.readdirSync(tmp()).filter((f) => f.startsWith('gone')), []);
    assert.deepEqual(fs.readdirSync(path.join(tmp(), '__topics')), []);
    manager.close();
    assert.equal(LogManager.open(tmp()).hasTopic('gone'), false);
  });

  it('adopts partition data whose metadata is missing instead of losing it', () => {
    const first = LogManager.open(tmp());
    first.createTopic('orphan', 2);
    first.partition('orphan', 1).append(makeBatch('keep', 2));
    first.close();
    fs.rmSync(path.join(tmp(), '__topics', 'orphan.json'));
    const second = LogManager.open(tmp());
    assert.equal(second.describeTopic('orphan').partitions, 2);
    assert.equal(second.partition('orphan', 1).logEndOffset, 2);
    second.close();
  });

  it('keeps a topic id across restarts, and gives a topic stored without one an id on first open, persisted', () => {
    const first = LogManager.open(tmp());
    const id = first.createTopic('with-id', 1).topicId;
    first.createTopic('old', 1);
    first.close();
    const oldFile = path.join(tmp(), '__topics', 'old.json');
    const { topicId: _dropped, ...withoutId } = JSON.parse(fs.readFileSync(oldFile, 'utf8'));
    fs.writeFileSync(oldFile, JSON.stringify(withoutId));

    const second = LogManager.open(tmp());
    assert.equal(second.describeTopic('with-id').topicId, id);
    const given = second.describeTopic('old').topicId;
    assert.match(given, /^[0-9a-f-]{36}$/);
    assert.equal(JSON.parse(fs.readFileSync(oldFile, 'utf8')).topicId, given, 'written to the metadata file at once');
    second.close();
    const third = LogManager.open(tmp());
    assert.deepEqual([third.describeTopic('old').topicId, third.topicNameById(given), third.topicNameById(id)], [given, 'old', 'with-id']);
    third.close();
    fs.writeFileSync(oldFile, JSON.stringify({ ...withoutId, topicId: 'not-a-uuid' }));
    assert.throws(() => LogManager.open(tmp()), (e: unknown) => e instanceof LogStorageError && /old\.json: field "topicId"/.test(e.message));
  });

  it('names the file and field of broken topic metadata', () => {
    LogManager.open(tmp()).close();
    fs.writeFileSync(path.join(tmp(), '__topics', 'bad.json'), JSON.stringify({ name: 'bad', partitions: 0, config: {} }));
    assert.throws(() => LogManager.open(tmp()), (e: unknown) => e instanceof LogStorageError && /bad\.json: field "partitions"/.test(e.message));
  });

  it('applies per-topic config over broker-wide defaults, and alters it', () => {
    const manager = LogManager.open(tmp(), { defaults: { segmentBytes: 300, retentionMs: -1 } });
    manager.createTopic('small', 1);
    manager.createTopic('large', 1, { 'segment.bytes': '100000' });
    for (let i = 0; i < 6; i++) {
      manager.partition('small', 0).append(makeBatch('s', 3));
      manager.partition('large', 0).append(makeBatch('l', 3));
    }
    assert.ok(manager.partition('small', 0).segmentCount > 1);
    assert.equal(manager.partition('large', 0).segmentCount, 1);
    manager.alterTopicConfig('large', { 'retention.bytes': '0' });
    assert.equal(manager.topicConfig('large').segmentBytes, 300);
    manager.close();
  });

  it('enforces each topic\'s own retention across all partitions', () => {
    let clock = 1_700_000_000_000;
    const manager = LogManager.open(tmp(), { defaults: { segmentBytes: 300 }, now: () => clock });
    manager.createTopic('short', 2, { 'retention.ms': '60000' });
    manager.createTopic('forever', 1, { 'retention.ms': '-1' });
    for (let i = 0; i < 6; i++) {
      for (const [topic, p] of [['short', 0], ['short', 1], ['forever', 0]] as const) {
        manager.partition(topic, p).append(makeBatch(`${i}`, 3, { timestamp: clock }));
      }
    }
    clock += 60_001;
    assert.ok(manager.enforceRetention() >= 2);
    assert.equal(manager.partition('short', 0).logStartOffset, 18);
    assert.equal(manager.partition('short', 1).logStartOffset, 18);
    assert.equal(manager.partition('forever', 0).logStartOffset, 0);
    manager.close();
  });
});
