// Child process for the group store's crash test: commits offsets (and now and then a group's
// generation) forever, compacting often, and prints "seq" on stdout once each commit's promise resolved.
import * as fs from 'node:fs';
import { FileGroupStore } from '../../src/group-store/file-group-store';

const [dataDir] = process.argv.slice(2);
const store = FileGroupStore.open(dataDir, { compactAfterChanges: 50 });
const start = store.offset('crash-group', 'topic', 0)?.offset ?? 0;
fs.writeSync(1, `ready ${start}\n`);

async function main(): Promise<void> {
  for (let seq = start + 1; ; seq++) {
    const commit = store.commitOffsets('crash-group', [0, 1, 2].map((partition) => ({
      topic: 'topic', partition, offset: seq, leaderEpoch: 0, metadata: `m${seq}`, commitTimestamp: Date.now(), expireTimestamp: null,
    })));
    if (seq % 7 === 0) {
      void store.saveGroup({ groupId: 'crash-group', protocolType: 'consumer', protocolName: 'range', generationId: seq, leaderId: 'm', stateTimestamp: 0, members: [] });
    }
    await commit;
    fs.writeSync(1, `${seq}\n`);
  }
}
void main();
