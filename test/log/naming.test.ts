import { strict as assert } from 'node:assert';
import { validateTopicName } from '../../src/log/topic-name';
import { InvalidTopicError } from '../../src/log/errors';
import { offsetFileStem, parsePartitionDirName, parseSegmentFileName } from '../../src/log/file-names';
import { KafkaErrors } from '../../src/protocol/error-codes';

describe('topic names', () => {
  it('accepts what Kafka accepts', () => {
    for (const name of ['page_views', 'a', 'A.b-c_9', 'x'.repeat(249), '...', '.hidden']) validateTopicName(name);
  });

  it('rejects what Kafka rejects, with INVALID_TOPIC_EXCEPTION', () => {
    for (const name of ['', '.', '..', 'x'.repeat(250), 'a/b', '../etc', 'a b', 'ä', 'a\\b', 'a\0b', 'a:b']) {
      assert.throws(
        () => validateTopicName(name),
        (e: unknown) => e instanceof InvalidTopicError && e.code === KafkaErrors.INVALID_TOPIC_EXCEPTION.code,
        JSON.stringify(name),
      );
    }
  });
});

describe('segment and partition file names', () => {
  it('uses 20-digit base offsets like Kafka', () => {
    assert.equal(offsetFileStem(0), '00000000000000000000');
    assert.equal(offsetFileStem(1234567), '00000000000001234567');
    assert.deepEqual(parseSegmentFileName('00000000000001234567.timeindex'), { baseOffset: 1234567, suffix: '.timeindex' });
    assert.equal(parseSegmentFileName('00000000000001234567.log.deleted'), undefined);
    assert.equal(parseSegmentFileName('1234567.log'), undefined);
  });

  it('splits a partition directory at its last dash', () => {
    assert.deepEqual(parsePartitionDirName('page-views-12'), { topic: 'page-views', partition: 12 });
    assert.equal(parsePartitionDirName('__topics'), undefined);
    assert.equal(parsePartitionDirName('clicks-0.abc-delete'), undefined);
  });
});
