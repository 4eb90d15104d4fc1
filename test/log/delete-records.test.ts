import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOG_START_CHECKPOINT_FILE, LogManager } from '../../src/log/log-manager';
import { OffsetOutOfRangeError } from '../../src/log/errors';
import { makeBatch } from '../helpers/batches';

describe('log manager: DeleteRecords and CreatePartitions', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-delrec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const reopen = (clean: boolean, manager: LogManager) => {
    if (clean) manager.close();
    else fs.rmSync(path.join(dir, '.sluice_cleanshutdown'), { force: true });
    return LogManager.open(dir, { defaults: { segmentBytes: 400 } });
  };

  it('moves the log start inside a segment, drops whole segments below it, and keeps it across clean and unclean restarts', () => {
    let logs = LogManager.open(dir, { defaults: { segmentBytes: 400 } });
    logs.createTopic('t', 1);
    for (let i = 0; i < 6; i++) logs.partition('t', 0).append(makeBatch(`b${i}`, 5, { valueBytes: 20 }));
    const segments = logs.partition('t', 0).describeSegments();
    assert.ok(segments.length >= 3, `several segments (${segments.length})`);
    const inside = segments[1].baseOffset + 2;
    assert.equal(logs.deleteRecords('t', 0, inside), inside);
    assert.equal(logs.partition('t', 0).describeSegments()[0].baseOffset, segments[1].baseOffset, 'the first segment went');
    assert.throws(() => logs.partition('t', 0).read(inside - 1, 1000), OffsetOutOfRangeError);
    assert.equal(logs.deleteRecords('t', 0, 1), inside, 'an offset below the start changes nothing');
    assert.throws(() => logs.deleteRecords('t', 0, 31), OffsetOutOfRangeError);
    assert.match(fs.readFileSync(path.join(dir, LOG_START_CHECKPOINT_FILE), 'utf8'), new RegExp(`^t 0 ${inside}$`, 'm'));
    logs.close();
    logs = LogManager.open(dir, { defaults: { segmentBytes: 400 } });
    assert.equal(logs.partition('t', 0).logStartOffset, inside, 'after a clean restart');
    logs = reopen(false, logs);
    assert.equal(logs.partition('t', 0).logStartOffset, inside, 'after an unclean one');
    assert.deepEqual(logs.partition('t', 0).offsetForTimestamp(0)?.offset, inside, 'offsets for times never answer below the start');
    assert.equal(logs.deleteRecords('t', 0, -1), 30, '-1: the high watermark');
    assert.equal(logs.partition('t', 0).describeSegments().length, 1);
    logs.partition('t', 0).append(makeBatch('after', 2));
    assert.equal(logs.partition('t', 0).logEndOffset, 32);
    logs.deleteTopic('t');
    logs.createTopic('t', 1);
    logs = reopen(true, logs);
    assert.equal(logs.partition('t', 0).logStartOffset, 0, 'a topic created again under the name starts at 0');
    logs.close();
  });

  it('adds partitions durably and refuses fewer or equal', () => {
    let logs = LogManager.open(dir);
    logs.createTopic('grow', 2);
    logs.partition('grow', 1).append(makeBatch('x', 3));
    logs.createPartitions('grow', 4);
    logs.partition('grow', 3).append(makeBatch('y', 1));
    assert.throws(() => logs.createPartitions('grow', 4), /INVALID_PARTITIONS/);
    assert.throws(() => logs.createPartitions('grow', 1001), /allowed: 1 to 1000/);
    logs.createPartitions('grow', 6, { validateOnly: true });
    assert.equal(logs.describeTopic('grow').partitions, 4);
    logs = reopen(false, logs);
    assert.equal(logs.describeTopic('grow').partitions, 4);
    assert.deepEqual([0, 1, 2, 3].map((p) => logs.partition('grow', p).logEndOffset), [0, 3, 0, 1]);
    logs.close();
  });
});
