import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeadLetterSpool } from '../../src/pipeline/dead-letter-spool';
import { useTempDir } from '../helpers/temp-dir';

describe('dead letters of a range', () => {
  const tmp = useTempDir();
  const letter = (i: number) => ({ offset: i, value: Buffer.alloc(300, i % 251).toString('base64') });
  const expected = (count: number) => Buffer.from(Array.from({ length: count }, (_, i) => `${JSON.stringify(letter(i))}\n`).join(''));

  it('few stay in memory and are handed over as one body', async () => {
    const spool = new DeadLetterSpool(path.join(tmp(), 'letters.jsonl'));
    assert.ok(spool.empty);
    for (let i = 0; i < 10; i++) spool.add(letter(i));
    let body: Buffer | undefined;
    const bytes = await spool.finish(async (b) => { body = b; }, () => assert.fail('no file for 10 letters'));
    assert.deepEqual(body, expected(10));
    assert.equal(bytes, body!.length);
    assert.ok(!fs.existsSync(path.join(tmp(), 'letters.jsonl')));
  });

  it('many go to the local file, handed over whole and then removed', async () => {
    const file = path.join(tmp(), 'letters.jsonl');
    const spool = new DeadLetterSpool(file);
    for (let i = 0; i < 20_000; i++) spool.add(letter(i));
    assert.ok(fs.existsSync(file), 'spilled before the end');
    let copy: Buffer | undefined;
    const bytes = await spool.finish(() => assert.fail('too many for memory'), async (local) => { copy = fs.readFileSync(local); });
    assert.ok(copy!.equals(expected(20_000)));
    assert.equal(bytes, copy!.length);
    assert.ok(!fs.existsSync(file));
  });
});
