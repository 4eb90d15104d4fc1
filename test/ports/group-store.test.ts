import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommittedOffset, GroupStore, StoredGroup } from '../../src/ports/group-store';
import { FileGroupStore, GROUP_STORE_DIR } from '../../src/group-store/file-group-store';
import { MemoryGroupStore } from '../helpers/memory-group-store';
import { encodeChange } from '../../src/group-store/change-codec';
import type { GroupChange } from '../../src/group-store/stored-groups';
import { useTempDir } from '../helpers/temp-dir';
import { byMode } from '../helpers/long-mode';

const WRITER = path.resolve(__dirname, '../helpers/crash-group-writer.js');

function offset(topic: string, partition: number, value: number, metadata = ''): CommittedOffset {
  return { topic, partition, offset: value, leaderEpoch: 3, metadata, commitTimestamp: 1_700_000_000_000, expireTimestamp: null };
}

function group(groupId: string, generationId: number): StoredGroup {
  return {
    groupId, protocolType: 'consumer', protocolName: 'range', generationId, leaderId: 'm1', stateTimestamp: 1_700_000_000_000,
    members: [{ memberId: 'm1', groupInstanceId: 'static-1', clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 300_000,
      sessionTimeoutMs: 45_000, subscription: Buffer.from([0, 1, 2, 255]), assignment: Buffer.from('assigned') }],
  };
}

const sortOffsets = (offsets: CommittedOffset[]) => [...offsets].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);

/** What the coordinator relies on, checked on both stores so the in-memory twin stays honest. */
function groupStoreContract(kind: string, open: () => GroupStore): void {
  describe(`GroupStore contract: ${kind}`, () => {
    let store: GroupStore;
    beforeEach(() => {
      store = open();
    });
    afterEach(() => store.close());

    it('starts empty', () => {
      assert.deepEqual(store.groupIds(), []);
      assert.equal(store.group('g'), undefined);
      assert.deepEqual(store.offsets('g'), []);
      assert.equal(store.offset('g', 't', 0), undefined);
    });

    it('keeps the latest offset per partition, per group, visible as soon as the call returns', async () => {
      const first = store.commitOffsets('g', [offset('t', 0, 5, 'five'), offset('t', 1, 7)]);
      assert.equal(store.offset('g', 't', 0)?.offset, 5, 'read before the write is synced');
      await first;
      await store.commitOffsets('g', [offset('t', 0, 9, 'nine')]);
      await store.commitOffsets('other', [offset('t', 0, 1)]);
      assert.deepEqual(store.offset('g', 't', 0), offset('t', 0, 9, 'nine'));
      assert.deepEqual(sortOffsets(store.offsets('g')), [offset('t', 0, 9, 'nine'), offset('t', 1, 7)]);
      assert.deepEqual(store.groupIds().sort(), ['g', 'other']);
      assert.equal(store.offset('other', 't', 0)?.offset, 1);
    });

    it('stores a generation with its members\' bytes, replacing the previous one', async () => {
      await store.saveGroup(group('g', 1));
      await store.saveGroup(group('g', 2));
      assert.deepEqual(store.group('g'), group('g', 2));
      assert.deepEqual(store.groupIds(), ['g']);
    });

    it('deletes offsets one by one, and a group with neither offsets nor metadata is gone', async () => {
      await store.commitOffsets('g', [offset('t', 0, 5), offset('t', 1, 6), offset('u', 0, 7)]);
      await store.deleteOffsets('g', [{ topic: 't', partition: 1 }, { topic: 'missing', partition: 0 }]);
      assert.deepEqual(sortOffsets(store.offsets('g')).map((o) => `${o.topic}-${o.partition}`), ['t-0', 'u-0']);
      await store.deleteOffsets('g', [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }]);
      assert.deepEqual(store.groupIds(), []);
      await store.saveGroup(group('h', 1));
      await store.commitOffsets('h', [offset('t', 0, 1)]);
      await store.deleteOffsets('h', [{ topic: 't', partition: 0 }]);
      assert.deepEqual(store.groupIds(), ['h'], 'metadata keeps the group');
    });

    it('deletes a whole group: metadata and offsets', async () => {
      await store.saveGroup(group('g', 1));
      await store.commitOffsets('g', [offset('t', 0, 5)]);
      await store.commitOffsets('kept', [offset('t', 0, 2)]);
      await store.deleteGroup('g');
      assert.equal(store.group('g'), undefined);
      assert.deepEqual(store.offsets('g'), []);
      assert.deepEqual(store.groupIds(), ['kept']);
    });

    it('refuses writes once closed', async () => {
      store.close();
      await assert.rejects(store.commitOffsets('g', [offset('t', 0, 1)]));
      store = open();
    });
  });
}

describe('group stores', () => {
  const tmp = useTempDir();
  groupStoreContract('MemoryGroupStore', () => new MemoryGroupStore());
  groupStoreContract('FileGroupStore', () => FileGroupStore.open(fs.mkdtempSync(path.join(tmp(), 'store-'))));

  describe('FileGroupStore on disk', () => {
    const file = () => path.join(tmp(), GROUP_STORE_DIR, 'groups.log');

    it('reopens with everything it stored, deletions included', async () => {
      const store = FileGroupStore.open(tmp());
      await store.saveGroup(group('g', 4));
      await store.commitOffsets('g', [offset('t', 0, 5, 'meta'), offset('t', 1, 6)]);
      await store.commitOffsets('gone', [offset('t', 0, 1)]);
      await store.deleteOffsets('g', [{ topic: 't', partition: 1 }]);
      await store.deleteGroup('gone');
      store.close();
      const reopened = FileGroupStore.open(tmp());
      assert.deepEqual(reopened.group('g'), group('g', 4));
      assert.deepEqual(reopened.offsets('g'), [offset('t', 0, 5, 'meta')]);
      assert.deepEqual(reopened.groupIds(), ['g']);
      reopened.close();
    });

    it('cuts a torn or corrupt tail, keeps it beside, and goes on writing', async () => {
      const store = FileGroupStore.open(tmp());
      await store.commitOffsets('g', [offset('t', 0, 1)]);
      await store.commitOffsets('g', [offset('t', 0, 2)]);
      store.close();
      const whole = fs.readFileSync(file());
      fs.truncateSync(file(), whole.length - 3); // the second change cut short, as a crash mid-write leaves it
      const lines: string[] = [];
      const reopened = FileGroupStore.open(tmp(), { log: (line) => lines.push(line) });
      assert.equal(reopened.offset('g', 't', 0)?.offset, 1);
      assert.match(lines.join('\n'), /cut short/);
      assert.equal(fs.readdirSync(path.dirname(file())).filter((n) => n.includes('.tail-')).length, 1);
      await reopened.commitOffsets('g', [offset('t', 0, 3)]);
      reopened.close();
      // A flipped byte inside a change fails its CRC.
      const bytes = fs.readFileSync(file());
      bytes[bytes.length - 5] ^= 0xff;
      fs.writeFileSync(file(), bytes);
      const again = FileGroupStore.open(tmp(), { log: (line) => lines.push(line) });
      assert.equal(again.offset('g', 't', 0)?.offset, 1);
      assert.match(lines.join('\n'), /CRC mismatch/);
      again.close();
      // A change whose CRC holds but whose fields do not (a bug, a hand edit) stops the replay the same way.
      fs.appendFileSync(file(), encodeChange({ kind: 'offsets', groupId: 'g', offsets: [{ topic: 't', partition: 0 }] } as unknown as GroupChange));
      const last = FileGroupStore.open(tmp(), { log: (line) => lines.push(line) });
      assert.equal(last.offset('g', 't', 0)?.offset, 1);
      assert.match(lines.join('\n'), /not well formed/);
      last.close();
    });

    it('compacts into a new file once dead changes pile up, and a half-written compaction is ignored', async () => {
      const store = FileGroupStore.open(tmp(), { compactAfterChanges: 20 });
      for (let i = 0; i < 200; i++) await store.commitOffsets('g', [offset('t', i % 2, i)]);
      await store.saveGroup(group('g', 9));
      store.close();
      const size = fs.statSync(file()).size;
      assert.ok(size < 30 * 200, `compacted to ${size} bytes`);
      fs.writeFileSync(path.join(path.dirname(file()), 'groups.log.compacting'), 'half a compaction');
      const reopened = FileGroupStore.open(tmp());
      assert.equal(reopened.offset('g', 't', 0)?.offset, 198);
      assert.equal(reopened.offset('g', 't', 1)?.offset, 199);
      assert.deepEqual(reopened.group('g'), group('g', 9));
      assert.ok(!fs.existsSync(path.join(path.dirname(file()), 'groups.log.compacting')));
      reopened.close();
    });

    it('keeps every commit a writer saw resolved when it is killed with SIGKILL (compacting as it goes)', async () => {
      let last = 0;
      for (let round = 0; round < byMode(2, 8); round++) {
        const child = spawn(process.execPath, [WRITER, tmp()], { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        let killed = false;
        const seen = await new Promise<number>((resolve) => {
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const numbers = output.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
            if (!killed && numbers.length >= 300) {
              killed = true;
              child.kill('SIGKILL');
            }
          });
          child.on('close', () => resolve(Math.max(...output.split('\n').filter((l) => /^\d+$/.test(l)).map(Number))));
        });
        const ready = Number(/^ready (\d+)/.exec(output)![1]);
        assert.ok(ready >= last, `round ${round} started at ${ready}, after ${last} was acknowledged`);
        assert.ok(seen > ready);
        last = seen;
        const reopened = FileGroupStore.open(tmp());
        for (let p = 0; p < 3; p++) assert.ok(reopened.offset('crash-group', 'topic', p)!.offset >= seen, `partition ${p} after round ${round}`);
        reopened.close();
      }
    });
  });
});
