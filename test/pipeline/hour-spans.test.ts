import * as assert from 'node:assert/strict';
import { HourPartitioner } from '../../src/table/layout';
import { hourAt, lastCompleteHour } from '../../src/table/completeness';

// Pacific/Chatham (+12:45/+13:45) ends summer time at 03:45 local, back to 02:45: the hours 02 and 03 each come
// twice, with the other in between. 2026-04-04 (UTC): 02 = 12:15-13:15Z, 03 = 13:15-14:00Z, 02 again = 14:00-14:15Z,
// 03 again = 14:15-15:15Z. An hour is complete only once both of its stretches are over.
describe('review: hour spans in a zone whose clock goes back off the hour', () => {
  const chatham = new HourPartitioner('Pacific/Chatham');
  const at = (iso: string) => Date.parse(iso);

  it('does not call an hour complete while its second stretch is still to come', () => {
    assert.equal(lastCompleteHour(chatham, at('2026-04-04T13:30:00Z'), 0).key, '2026-04-05T01');
    assert.equal(lastCompleteHour(chatham, at('2026-04-04T14:05:00Z'), 0).key, '2026-04-05T01', 'hour 03 is not over (its second stretch starts at 14:15Z), nor is 02');
    assert.equal(lastCompleteHour(chatham, at('2026-04-04T14:20:00Z'), 0).key, '2026-04-05T02');
    assert.equal(lastCompleteHour(chatham, at('2026-04-04T15:15:00Z'), 0).key, '2026-04-05T03');
  });

  it('never names a complete hour that ends after the cutoff, in any of these zones over a year', () => {
    for (const zone of ['Pacific/Chatham', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Berlin', 'UTC']) {
      const partitioner = new HourPartitioner(zone);
      for (let low = at('2026-01-01T00:00:00Z'); low < at('2027-01-01T00:00:00Z'); low += 37 * 60_000) {
        const hour = lastCompleteHour(partitioner, low, 600);
        assert.ok(hour.end <= low - 600_000, `${zone}: ${hour.key} ends at ${new Date(hour.end).toISOString()}, after the cutoff ${new Date(low - 600_000).toISOString()}`);
        for (let t = hour.end; t < hour.end + 3 * 3_600_000; t += 900_000) {
          assert.notEqual(partitioner.partitionOf(t), hour.partition, `${zone}: ${hour.key} comes again at ${new Date(t).toISOString()}`);
        }
      }
    }
  }).timeout(60_000); // CPU-bound: about 10 s on a busy 2-core machine, over 20 s with a CPU hog beside it

  it('walks back one hour at a time without skipping or repeating', () => {
    let hour = hourAt(chatham, at('2026-04-04T16:00:00Z'));
    const keys: string[] = [];
    while (hour.start > at('2026-04-04T10:00:00Z')) {
      keys.push(hour.key);
      hour = hourAt(chatham, hour.start - 1);
    }
    assert.deepEqual(keys, ['2026-04-05T04', '2026-04-05T03', '2026-04-05T02', '2026-04-05T01', '2026-04-05T00']);
  });
});
