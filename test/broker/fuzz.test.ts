import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { encodeMessage, MessageSchema, requestHeaderVersion } from '../../src/protocol/codec';
import {
  apiVersionsRequestSchema, createTopicsRequestSchema, deleteTopicsRequestSchema, fetchRequestSchema,
  listOffsetsRequestSchema, metadataRequestSchema, produceRequestSchema, requestHeaderSchema,
} from '../../src/protocol/generated';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { buildRecordBatch } from '../../src/protocol/records';
import { CRC_POS } from '../../src/protocol/record-batch';
import { frame, RunningBroker, startBroker } from '../helpers/broker';
import { byMode } from '../helpers/long-mode';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? byMode(6_000, 100_000));
const WORKERS = 8;
const QUIET_MS = 30;

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  const add = <T>(apiKey: number, versions: [number, number], schema: MessageSchema<T>, body: T) => {
    for (let v = versions[0]; v <= versions[1]; v++) {
      const writer = encodeMessage(requestHeaderSchema, requestHeaderVersion(apiKey, v), { requestApiKey: apiKey, requestApiVersion: v, correlationId: v, clientId: 'fuzz' });
      out.push(encodeMessage(schema, v, body, writer).toBuffer());
    }
  };
  const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('fuzz value') }]);
  add(18, [0, 3], apiVersionsRequestSchema, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' });
  add(3, [0, 8], metadataRequestSchema, { topics: [{ name: 'fuzz-m' }], allowAutoTopicCreation: true });
  add(0, [3, 8], produceRequestSchema, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'fuzz-p', partitionData: [{ index: 0, records: batch }] }] });
  add(1, [4, 11], fetchRequestSchema, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 65536, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'fuzz-p', partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 65536, currentLeaderEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  add(2, [1, 5], listOffsetsRequestSchema, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'fuzz-p', partitions: [{ partitionIndex: 0, timestamp: -1, currentLeaderEpoch: -1 }] }] });
  add(19, [0, 4], createTopicsRequestSchema, { topics: [{ name: 'fuzz-c', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
  add(20, [0, 3], deleteTopicsRequestSchema, { topicNames: ['fuzz-c'], timeoutMs: 1000 });
  return out;
}

function random(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

/** One fuzzed frame, size prefix included. */
function mutate(seedFrames: Buffer[], rnd: (n: number) => number): Buffer {
  const body = Buffer.from(seedFrames[rnd(seedFrames.length)]);
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rnd(256)));
  switch (rnd(8)) {
    case 0: // flip a few bytes
      for (let i = 1 + rnd(4); i > 0; i--) body[rnd(body.length)] ^= 1 + rnd(255);
      return frame(body);
    case 1: // cut short
      return frame(body.subarray(0, rnd(body.length)));
    case 2: // trailing garbage
      return frame(Buffer.concat([body, randomBytes(1 + rnd(64))]));
    case 3: { // overwrite a span
      const at = rnd(body.length);
      randomBytes(Math.min(body.length - at, 1 + rnd(16))).copy(body, at);
      return frame(body);
    }
    case 4: // another api key or version
      body.writeInt16BE(rnd(40) - 2, rnd(2) * 2);
      return frame(body);
    case 5: // pure noise
      return frame(randomBytes(rnd(200)));
    case 6: { // a size prefix that lies
      const sizes = [-1, -2_000_000_000, 2_000_000_000, body.length + 1 + rnd(100), 0];
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(sizes[rnd(sizes.length)]);
      return Buffer.concat([prefix, body]);
    }
    default: { // splice two requests
      const other = seedFrames[rnd(seedFrames.length)];
      return frame(Buffer.concat([body.subarray(0, rnd(body.length)), other.subarray(rnd(other.length))]));
    }
  }
}

interface Tally {
  answered: number;
  closed: number;
  quiet: number;
}

/** Sends frames one at a time, each waiting for an answer, a close, or QUIET_MS of silence; reconnects after a close. */
async function worker(port: number, count: number, seedFrames: Buffer[], rnd: (n: number) => number, tally: Tally): Promise<void> {
  let socket: net.Socket | undefined;
  let received = Buffer.alloc(0);
  let onEvent: (() => void) | undefined;
  let closed = true;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve());
      closed = false;
      received = Buffer.alloc(0);
      s.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        onEvent?.();
      });
      s.on('error', () => undefined);
      s.on('close', () => {
        closed = true;
        onEvent?.();
      });
      s.once('error', reject);
      socket = s;
    });
  for (let i = 0; i < count; i++) {
    if (closed) await open();
    received = Buffer.alloc(0);
    const outcome = await new Promise<keyof Tally>((resolve) => {
      const timer = setTimeout(() => resolve('quiet'), QUIET_MS);
      onEvent = () => {
        if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
          clearTimeout(timer);
          resolve('answered');
        } else if (closed) {
          clearTimeout(timer);
          resolve('closed');
        }
      };
      socket!.write(mutate(seedFrames, rnd));
    });
    tally[outcome]++;
    if (outcome === 'quiet') {
      socket!.destroy(); // a long poll or half a frame: start clean
      closed = true;
    }
  }
  socket?.destroy();
}

describe('broker fuzzing', function () {
  this.timeout(600_000);
  let running: RunningBroker;

  before(async () => {
    running = await startBroker({ numPartitions: 1, maxPartitionsPerTopic: 8, maxRequestBytes: 1024 * 1024 });
  });
  after(async () => running.stop());

  it(`survives ${FRAMES.toLocaleString('en-US')} random and mutated frames with every connection's damage contained`, async () => {
    const client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('canary-3f9a', 1);
    const crcs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const batch = buildRecordBatch([{ key: Buffer.from(`c${i}`), value: Buffer.from(`canary ${i}`) }]);
      crcs.push(batch.readUInt32BE(CRC_POS));
      await client.produce('canary-3f9a', 0, batch);
    }
    const seedFrames = seeds();
    const tally: Tally = { answered: 0, closed: 0, quiet: 0 };
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(running.port, FRAMES / WORKERS, seedFrames, random(seed * 31 + w), tally)));
    const sent = tally.answered + tally.closed + tally.quiet;
    console.log(`      fuzz seed ${seed}: ${sent} frames; answered ${tally.answered}, connection closed ${tally.closed}, no answer within ${QUIET_MS} ms ${tally.quiet}`);
    assert.equal(sent, FRAMES);
    assert.ok(tally.answered > FRAMES / 20, 'many mutated frames are still valid requests and are answered');
    assert.ok(tally.closed > FRAMES / 20, 'many frames are bad and close their connection');

    const fetched = await client.fetch('canary-3f9a', 0, 0, { maxBytes: 1 << 20 });
    const { records } = recordsFrom(fetched.records, 0);
    assert.deepEqual(records.map((r) => r.value?.toString()), crcs.map((_, i) => `canary ${i}`));
    let pos = 0;
    for (const crc of crcs) {
      assert.equal(fetched.records.readUInt32BE(pos + CRC_POS), crc);
      pos += 12 + fetched.records.readInt32BE(pos + 8);
    }
    assert.equal(await client.produce('canary-3f9a', 0, buildRecordBatch([{ value: Buffer.from('after') }])), 50);
    const after = recordsFrom((await client.fetch('canary-3f9a', 0, 50)).records, 50).records;
    assert.equal(after[0].value?.toString(), 'after');
    client.close();
  });
});
