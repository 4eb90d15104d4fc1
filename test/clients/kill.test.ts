import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { freePort, spawnBroker } from '../helpers/broker-process';
import { useTempDir } from '../helpers/temp-dir';

const DELIVERED = /Message delivered to partition (\d+) \(offset (\d+)\)/g;

describe('broker killed with SIGKILL under a kcat acks=all produce', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('still holds every message kcat saw acknowledged after a restart', async () => {
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const first = await spawnBroker(['--data-dir', tmp(), '--port', String(port)]);
    const setup = await KafkaClient.connect(bootstrap);
    await setup.createTopic('acked', 4);
    setup.close();

    const total = 300_000;
    const kcat = spawn('kcat', ['-b', bootstrap, '-t', 'acked', '-P', '-K:', '-X', 'acks=all', '-X', 'partitioner=murmur2_random',
      '-X', 'message.timeout.ms=3000', '-X', 'linger.ms=2', '-v', '-v', '-v'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const acked: [number, number][] = [];
    let pending = '';
    let killed = false;
    kcat.stderr.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const cut = pending.lastIndexOf('\n');
      for (const match of pending.slice(0, cut + 1).matchAll(DELIVERED)) acked.push([Number(match[1]), Number(match[2])]);
      pending = pending.slice(cut + 1);
      if (!killed && acked.length >= 30_000) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    kcat.stdin.on('error', () => undefined);
    const lines = Array.from({ length: total }, (_, i) => `key-${i % 5000}:message-${i}`);
    kcat.stdin.end(lines.join('\n') + '\n');
    await new Promise((resolve) => kcat.on('close', resolve));
    assert.ok(killed, `the broker was killed mid-produce (${acked.length} acknowledged)`);
    if (process.env.KILL_VERBOSE) console.log(`acknowledged ${acked.length} of ${total}; kcat said: ${pending.slice(-300)}`);
    assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
    assert.ok(acked.length < total, 'some messages were in flight when the broker died');

    const second = await spawnBroker(['--data-dir', tmp(), '--port', String(port)]);
    assert.match(second.stderr(), /recovered after an unclean stop/);
    const client = await KafkaClient.connect(bootstrap);
    try {
      const stored = new Map<string, string>();
      for (let p = 0; p < 4; p++) {
        let offset = 0;
        const end = (await client.offsetFor('acked', p, -1)).offset;
        while (offset < end) {
          const { records, nextOffset } = recordsFrom((await client.fetch('acked', p, offset, { maxBytes: 4 << 20 })).records, offset);
          for (const record of records) {
            assert.equal(record.offset, offset, `partition ${p} has contiguous offsets`);
            stored.set(`${p}/${record.offset}`, record.value!.toString());
            offset++;
          }
          assert.equal(offset, nextOffset);
        }
      }
      for (const [p, o] of acked) {
        const value = stored.get(`${p}/${o}`);
        assert.ok(value !== undefined && /^message-\d+$/.test(value), `acknowledged message at partition ${p} offset ${o} survived`);
      }
    } finally {
      client.close();
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
