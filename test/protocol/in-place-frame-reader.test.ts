import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { FrameError, FrameReader } from '../../src/protocol/frame-reader';
import { InPlaceFrameReader } from '../../src/protocol/in-place-frame-reader';

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function framed(bodies: Buffer[]): Buffer {
  return Buffer.concat(bodies.flatMap((body) => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return [size, body];
  }));
}

/** What a socket does with `onread`: each read copies up to the buffer's length of what has arrived into it. */
function readInPlace(reader: InPlaceFrameReader, stream: Buffer, nextRead: () => number): Buffer[] {
  const frames: Buffer[] = [];
  for (let pos = 0; pos < stream.length; ) {
    const target = reader.nextBuffer();
    assert.ok(target.length > 0, 'a read never gets an empty buffer (Node fails it with ENOBUFS)');
    const bytes = Math.min(target.length, stream.length - pos, nextRead());
    stream.copy(target, 0, pos, pos + bytes);
    pos += bytes;
    frames.push(...reader.received(bytes));
  }
  return frames;
}

describe('InPlaceFrameReader: frames read where the socket puts them', () => {
  it('gives the frames FrameReader gives, for frames below, at and above the scratch size, cut anywhere (2,000 seeded streams)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const scratch = 64 + Math.floor(next() * 256);
      const sizes = [0, 1, scratch - 5, scratch - 4, scratch - 3, scratch, scratch * 3 + 1, Math.floor(next() * scratch * 2)];
      const bodies = Array.from({ length: 1 + Math.floor(next() * 12) }, () => {
        const body = Buffer.alloc(sizes[Math.floor(next() * sizes.length)]);
        for (let i = 0; i < body.length; i++) body[i] = Math.floor(next() * 256);
        return body;
      });
      const stream = framed(bodies);
      const reads = next() < 0.3 ? () => 1 : () => 1 + Math.floor(next() * scratch * 2);
      const reader = new InPlaceFrameReader(1 << 20, scratch);
      const inPlace = readInPlace(reader, stream, reads);
      assert.deepEqual(inPlace, bodies, `seed ${seed}`);
      assert.equal(reader.pendingBytes, 0, `seed ${seed}`);
      assert.deepEqual(inPlace, new FrameReader(1 << 20).push(stream), `seed ${seed}`);
    }
  });

  it('keeps every frame it gave intact while later reads reuse the scratch buffer', () => {
    const bodies = Array.from({ length: 200 }, (_, i) => Buffer.alloc(10 + (i % 50), i));
    const frames = readInPlace(new InPlaceFrameReader(1 << 20, 128), framed(bodies), () => 37);
    assert.deepEqual(frames, bodies);
  });

  it('refuses a size outside 0..max with the FrameReader message, and a partial frame counts as pending', () => {
    const reader = new InPlaceFrameReader(1000, 64);
    const target = reader.nextBuffer();
    framed([Buffer.alloc(10)]).copy(target, 0, 0, 8);
    assert.deepEqual(reader.received(8), []);
    assert.equal(reader.pendingBytes, 8);
    const oversized = new InPlaceFrameReader(1000, 64);
    const size = oversized.nextBuffer();
    size.writeInt32BE(1001);
    assert.throws(() => oversized.received(4), (error: unknown) => error instanceof FrameError && error.message === 'frame of 1001 bytes is outside 0..1000 (socket.request.max.bytes)');
    const negative = new InPlaceFrameReader(1000, 64);
    negative.nextBuffer().writeInt32BE(-1);
    assert.throws(() => negative.received(4), FrameError);
  });

  it('reads over a real socket: a 5 MiB frame lands in its own buffer with no copy, small frames around it intact', async () => {
    const big = Buffer.alloc(5 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const bodies = [Buffer.from('first'), big, Buffer.from('last')];
    const server = net.createServer((socket) => socket.end(framed(bodies)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const reader = new InPlaceFrameReader(64 << 20);
    let reads = 0;
    const frames: Buffer[] = [];
    const readInto = new Set<ArrayBufferLike>();
    const done = new Promise<void>((resolve, reject) => {
      const socket = net.connect({
        port: (server.address() as net.AddressInfo).port, host: '127.0.0.1',
        onread: { buffer: () => { const target = reader.nextBuffer(); readInto.add(target.buffer); return target; }, callback: (bytes) => { reads++; frames.push(...reader.received(bytes)); return true; } },
      });
      socket.on('end', resolve);
      socket.on('error', reject);
    });
    await done;
    server.close();
    assert.deepEqual(frames.map((f) => f.length), bodies.map((b) => b.length));
    assert.ok(frames[1].equals(big));
    // Node reads 64 KiB at a time into its own chunks; read in place, a read takes all the frame's bytes that wait.
    assert.ok(reads < 80, `${reads} reads`);
    assert.ok(readInto.has(frames[1].buffer), 'the socket read into the big frame itself');
    assert.equal(frames[1].buffer.byteLength, big.length);
  });
});
