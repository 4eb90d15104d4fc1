import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles, pageView, START, writeJob } from '../helpers/page-views';

interface DeadLetter {
  partition: number;
  offset: number;
  error: string;
  key: string | null;
  value: string | null;
}

describe('sluice load: keys and values that are not UTF-8', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 1);

  it('dead-letters each one with its exact raw bytes and the byte that is wrong; valid ones load', async () => {
    const json = (i: number) => Buffer.from(JSON.stringify(pageView(i, START + i * 1000)));
    const records: RecordInput[] = Array.from({ length: 40 }, (_, i) => ({ key: Buffer.from(`user-${i}`), value: json(i), timestamp: START + i * 1000 }));
    const latin1Value = Buffer.from(JSON.stringify(pageView(100, START)).replace('/products/', '/caf\xe9/'), 'latin1');
    const bad: { at: number; record: RecordInput; error: RegExp }[] = [
      { at: 5, record: { key: Buffer.from('k'), value: latin1Value, timestamp: START }, error: new RegExp(`^value: invalid UTF-8 at byte ${latin1Value.indexOf(0xe9)}$`) },
      { at: 11, record: { key: Buffer.from('k'), value: Buffer.concat([Buffer.from([0xff, 0xfe]), json(101)]), timestamp: START }, error: /^value: invalid UTF-8 at byte 0$/ },
      { at: 17, record: { key: Buffer.from([0x75, 0xc3, 0x28]), value: json(102), timestamp: START }, error: /^key: invalid UTF-8 at byte 1$/ },
      { at: 23, record: { key: Buffer.from('k'), value: Buffer.concat([json(103).subarray(0, 20), Buffer.from([0xed, 0xa0, 0x80]), json(103).subarray(20)]), timestamp: START }, error: /^value: invalid UTF-8 at byte 20$/ },
    ];
    for (const b of bad) records.splice(b.at, 0, b.record);
    await fixture().client.produce('page_views', 0, buildRecordBatch(records));

    const job = loadJobDefinition(writeJob(tmp(), { badRecords: { maxPercent: 20 } }, fixture().running.bootstrap));
    const result = await runLoad(job);
    assert.equal(result.committed.reduce((s, r) => s + r.records, 0), 40);
    assert.equal(result.committed.reduce((s, r) => s + r.badRecords, 0), bad.length);

    const table = path.join(tmp(), 'warehouse', 'page_views');
    const letters: DeadLetter[] = listFiles(table)
      .filter((f) => f.startsWith('_dead_letter/'))
      .flatMap((f) => fs.readFileSync(path.join(table, f), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DeadLetter));
    assert.deepEqual(letters.map((l) => l.offset).sort((a, b) => a - b), bad.map((b) => records.indexOf(b.record)).sort((a, b) => a - b));
    for (const b of bad) {
      const letter = letters.find((l) => l.offset === records.indexOf(b.record));
      assert.ok(letter, `offset ${records.indexOf(b.record)} is dead-lettered`);
      assert.match(letter.error, b.error);
      assert.ok(Buffer.from(letter.value ?? '', 'base64').equals(b.record.value!), 'the value bytes are kept exactly');
      assert.ok(Buffer.from(letter.key ?? '', 'base64').equals(b.record.key!), 'the key bytes are kept exactly');
    }
    const verified = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(verified.problems, []);
    assert.equal(verified.partitions.reduce((s, p) => s + p.records, 0), 40);
  });
});
