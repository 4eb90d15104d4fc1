import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnBroker } from '../helpers/broker-process';
import { run } from '../helpers/processes';
import { connectRaw, sleep, WatchedSocket } from '../helpers/raw-socket';
import { useTempDir } from '../helpers/temp-dir';

const MiB = 1024 * 1024;

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('queued-max-request-bytes', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('holds the broker to its cap under 10 half-sent 60 MiB requests, pausing them without dropping, while kcat produces and reads back', async () => {
    const cap = 128 * MiB;
    const broker = await spawnBroker([
      '--data-dir', path.join(tmp(), 'data'), '--port', '0', '--queued-max-request-bytes', String(cap), '--request-frame-timeout-ms', '60000',
    ]);
    const pid = broker.child.pid!;
    const bootstrap = `127.0.0.1:${broker.port}`;
    const kcatRoundTrip = async (topic: string, count: number) => {
      const lines = Array.from({ length: count }, (_, i) => `${topic} message ${i}`);
      const produced = await run('kcat', ['-b', bootstrap, '-t', topic, '-P', '-X', 'acks=all'], lines.join('\n') + '\n');
      assert.equal(produced.code, 0, produced.stderr);
      const consumed = await run('kcat', ['-b', bootstrap, '-t', topic, '-C', '-e', '-q', '-f', '%s\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trimEnd().split('\n').sort(), lines.sort(), `${topic}: every message read back`);
    };
    await kcatRoundTrip('warm-up', 100); // the baseline includes what serving kcat costs
    const baseline = rssBytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);

    const declared = 60 * MiB;
    const sent = Buffer.alloc(50 * MiB, 0x61); // each request stops 10 MiB short of its declared size
    const sizePrefix = Buffer.alloc(4);
    sizePrefix.writeInt32BE(declared);
    const attackers: WatchedSocket[] = [];
    const allWritten = new Set<number>();
    try {
      for (let i = 0; i < 10; i++) {
        const watched = await connectRaw(broker.port);
        watched.socket.write(sizePrefix);
        watched.socket.write(sent, () => allWritten.add(i));
        attackers.push(watched);
      }
      // Two declared 60 MiB requests fit in 128 MiB: the broker reads those two and pauses the other eight.
      await until(() => allWritten.size === 2, 30_000, 'two requests to be read');
      await sleep(500);
      assert.equal(allWritten.size, 2, 'the broker stopped reading the requests that do not fit');

      await kcatRoundTrip('while-full', 200);
      assert.deepEqual(attackers.map((a) => a.isClosed()), Array(10).fill(false), 'paused connections are not dropped');

      const [first] = [...allWritten];
      attackers[first].socket.destroy();
      await until(() => allWritten.size === 3, 30_000, 'a paused request to be read once room was freed');
      await sleep(300);
      assert.equal(allWritten.size, 3, 'one request took the freed room, the rest still wait');
    } finally {
      clearInterval(sampler);
      for (const a of attackers) a.socket.destroy();
    }
    await kcatRoundTrip('after', 50);
    peak = Math.max(peak, rssBytes(pid));
    broker.child.kill('SIGTERM');
    assert.deepEqual(await broker.exited, { code: 0, signal: null });
    const growth = peak - baseline;
    assert.ok(growth < cap + 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(0)} MiB, over the ${cap / MiB} MiB cap plus 64 MiB`);
    assert.ok(growth > 90 * MiB, `RSS grew by ${(growth / MiB).toFixed(0)} MiB: the two admitted requests (100 MiB) were really held`);
    console.log(`      broker RSS ${(baseline / MiB).toFixed(0)} MiB before, peak +${(growth / MiB).toFixed(0)} MiB`);
  });
});
