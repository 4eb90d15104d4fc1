import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { frame } from '../helpers/broker';
import { BrokerProcess, spawnBroker } from '../helpers/broker-process';
import { answersApiVersions, apiVersionsRequest, connectRaw, sleep, WatchedSocket } from '../helpers/raw-socket';
import { useTempDir } from '../helpers/temp-dir';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';

/** Resolves true if the broker closes the connection within `ms`, false if it is still open then. */
async function closedWithin(watched: WatchedSocket, ms: number): Promise<boolean> {
  return Promise.race([watched.closed.then(() => true), sleep(ms).then(() => false)]);
}

async function stop(broker: BrokerProcess): Promise<string> {
  broker.child.kill('SIGTERM');
  assert.deepEqual(await broker.exited, { code: 0, signal: null });
  return broker.stderr();
}

/** Every bad-client event the broker logged: one line each for the first of a kind, then counts in summary lines. */
function loggedEvents(stderr: string): { lines: number; byKind: Map<string, number> } {
  const byKind = new Map<string, number>();
  const add = (kind: string, n: number) => byKind.set(kind, (byKind.get(kind) ?? 0) + n);
  let lines = 0;
  for (const line of stderr.split('\n')) {
    if (/: closing: frame of -?\d+ bytes is outside/.test(line)) add('bad frame size', 1);
    else if (/: closing: request failed/.test(line)) add('request failed', 1);
    else if (/: closing: request not complete after/.test(line)) add('request not complete in time', 1);
    else if (/^connection from .* refused: /.test(line)) add('too many connections', 1);
    else if (/^bad clients: /.test(line)) {
      for (const [, kind, n] of line.matchAll(/([a-z ]+): (\d+)[,)]/g)) add(kind.trim(), Number(n));
    } else continue;
    lines++;
  }
  return { lines, byKind };
}

describe('broker connection limits', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('closes idle connections after connections-max-idle-ms and half-sent requests after request-frame-timeout-ms, never busy ones', async () => {
    const config = path.join(tmp(), 'broker.json');
    const idleMs = 800;
    const frameMs = 400;
    fs.writeFileSync(config, JSON.stringify({ 'data-dir': path.join(tmp(), 'data'), port: 0, 'connections-max-idle-ms': idleMs, 'request-frame-timeout-ms': frameMs }));
    const broker = await spawnBroker(['--config', config]);
    const idle = await connectRaw(broker.port);
    const answered = await connectRaw(broker.port);
    await answersApiVersions(answered);
    const answeredAt = Date.now();
    const halfSize = await connectRaw(broker.port);
    halfSize.socket.write(Buffer.from([0, 0]));
    const halfFrame = await connectRaw(broker.port);
    halfFrame.socket.write(apiVersionsRequest(2).subarray(0, 10));
    const sentAt = Date.now();
    // One byte of a request every 50 ms: never idle, but the request would take over a second to arrive.
    const trickle = await connectRaw(broker.port);
    const slow = apiVersionsRequest(3);
    let sentBytes = 0;
    const trickling = setInterval(() => {
      if (!trickle.isClosed() && sentBytes < slow.length) trickle.socket.write(slow.subarray(sentBytes, ++sentBytes));
    }, 50);
    const trickleStart = Date.now();
    const busy = await connectRaw(broker.port);
    for (let i = 0; Date.now() - busy.openedAt < 2 * idleMs; i++) {
      await answersApiVersions(busy, 100 + i);
      await sleep(idleMs / 4);
    }
    clearInterval(trickling);

    const after = async (watched: WatchedSocket, since: number) => (await watched.closed) - since;
    const slack = 50; // the two ends see the connection open a few ms apart
    const late = 700; // the broker checks every tenth of the shorter timeout; CI machines are slow
    for (const [name, watched, since, limit] of [
      ['idle', idle, idle.openedAt, idleMs],
      ['answered, then idle', answered, answeredAt, idleMs],
      ['half a size prefix', halfSize, sentAt, frameMs],
      ['half a request', halfFrame, sentAt, frameMs],
      ['a byte every 50 ms', trickle, trickleStart, frameMs],
    ] as const) {
      const elapsed = await after(watched, since);
      assert.ok(elapsed >= limit - slack && elapsed < limit + late, `${name}: closed after ${elapsed} ms, limit ${limit} ms`);
    }
    assert.ok(sentBytes < slow.length, 'the trickled request was cut off before it was whole');
    assert.equal(idle.received().length, 0);
    assert.equal(busy.isClosed(), false, 'a connection with a request every idle/4 ms stays open');
    await answersApiVersions(busy, 999);
    busy.socket.destroy();
    const stderr = await stop(broker);
    assert.match(stderr, /connection \d+ from 127\.0\.0\.1:\d+: closing: request not complete after \d+ ms \(\d+ of (4 size bytes|\d+ bytes) received; request-frame-timeout-ms\)/);
    assert.equal(loggedEvents(stderr).byKind.get('request not complete in time'), 3, 'the three half-sent requests, idle ones not counted');
  });

  it('closes connections beyond max-connections-per-ip and max-connections at once, and accepts again once one closes', async () => {
    const broker = await spawnBroker(['--data-dir', path.join(tmp(), 'data'), '--port', '0', '--max-connections', '4', '--max-connections-per-ip', '2']);
    let refusedSeen = 0;
    const expectRefused = async (from: string) => {
      const watched = await connectRaw(broker.port, from);
      watched.socket.write(apiVersionsRequest(1));
      assert.ok(await closedWithin(watched, 2000), `a connection from ${from} is closed at once`);
      assert.equal(watched.received().length, 0, 'and gets no answer');
      refusedSeen++;
    };
    const expectAccepted = async (from: string) => {
      const watched = await connectRaw(broker.port, from);
      await answersApiVersions(watched);
      return watched;
    };
    const a1 = await expectAccepted('127.0.0.1');
    const a2 = await expectAccepted('127.0.0.1');
    await expectRefused('127.0.0.1');
    const b1 = await expectAccepted('127.0.0.2');
    await expectAccepted('127.0.0.2');
    await expectRefused('127.0.0.2');
    await expectRefused('127.0.0.3'); // its own address has none, but the broker has 4
    assert.equal(a2.isClosed() || b1.isClosed(), false, 'refusing new connections leaves the open ones alone');
    await answersApiVersions(a2, 7);

    a1.socket.destroy();
    let again: WatchedSocket | undefined;
    for (let attempt = 0; attempt < 20 && !again; attempt++) {
      const watched = await connectRaw(broker.port, '127.0.0.3');
      try {
        await answersApiVersions(watched);
        again = watched;
      } catch {
        refusedSeen++; // the broker had not yet seen a1 go
        await sleep(50);
      }
    }
    assert.ok(again, 'a slot freed by a closed connection is taken by the next one');
    await expectRefused('127.0.0.3');
    const stderr = await stop(broker);
    assert.match(stderr, /connection from 127\.0\.0\.1:\d+ refused: 127\.0\.0\.1 has max-connections-per-ip \(2\) open/);
    assert.equal(loggedEvents(stderr).byKind.get('too many connections'), refusedSeen, 'every refusal is logged or counted');
  });

  it('refuses to start on a setting that is not a usable number, naming it', async () => {
    const dataDir = path.join(tmp(), 'data');
    for (const [flag, value, message] of [
      ['--queued-max-request-bytes', '0', /queued-max-request-bytes must be positive, or -1 for no cap/],
      ['--max-connections', 'many', /max-connections must be an integer of at least 1, not NaN/],
    ] as const) {
      const result = await run(process.execPath, [SLUICE_BIN, 'broker', '--data-dir', dataDir, '--port', '0', flag, value]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, message);
    }
    assert.equal(fs.existsSync(dataDir), false, 'nothing was opened');
  });

  it('logs repeated bad clients as the first of each kind and a summary with counts, not a line per connection', async () => {
    const windowMs = 300;
    const broker = await spawnBroker(['--data-dir', path.join(tmp(), 'data'), '--port', '0', '--bad-client-log-window-ms', String(windowMs)]);
    const badSize = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    const unknownApi = frame(Buffer.from([0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0xff, 0xff]));
    const total = 300;
    const started = Date.now();
    for (let batch = 0; batch < total; batch += 30) {
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const watched = await connectRaw(broker.port);
          watched.socket.write((batch + i) % 3 === 0 ? unknownApi : badSize);
          assert.ok(await closedWithin(watched, 5000), 'the broker closes a bad connection');
        }),
      );
    }
    const elapsed = Date.now() - started;
    await sleep(windowMs * 2);
    const beforeStop = loggedEvents(broker.stderr());
    const stderr = await stop(broker);
    const { lines, byKind } = loggedEvents(stderr);
    assert.equal(beforeStop.lines, lines, 'the summary came when its window closed, not only at shutdown');
    assert.deepEqual(Object.fromEntries(byKind), { 'bad frame size': total - total / 3, 'request failed': total / 3 }, 'every event is counted');
    const windows = Math.ceil(elapsed / windowMs) + 1;
    assert.ok(lines <= windows * 3, `${lines} log lines for ${total} bad connections over ${elapsed} ms`);
    assert.ok(lines < total / 5);
    assert.match(stderr, /^bad clients: \d+ more connections closed or refused in the last \d+ ms and not logged one by one \(.*\); the latest from 127\.0\.0\.1:\d+$/m);
  });
});
