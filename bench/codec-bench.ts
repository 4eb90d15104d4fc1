// Codec benchmark (npm run bench:codec): the compiled decoder and encoder against the interpreter they replace,
// on the messages a producer and a consumer exchange with the broker at every send (Produce v9 and Fetch v11
// requests and responses, one 170-byte batch). Rounds alternate, the medians of the later ones are compared.
import * as os from 'node:os';
import { decodeMessage, encodeMessage, MessageSchema, Reader } from '../src/protocol/codec';
import { decodeByInterpreter } from '../src/protocol/codec/decode';
import { encodeByInterpreter } from '../src/protocol/codec/encode';
import { fetchRequestSchema, fetchResponseSchema, produceRequestSchema, produceResponseSchema } from '../src/protocol/generated';

const PER_ROUND = Number(process.env.BENCH_MESSAGES ?? 100_000);
const ROUNDS = 8;
const batch = Buffer.alloc(170, 1);

const messages: [MessageSchema<unknown>, number, unknown][] = [
  [produceRequestSchema, 9, { transactionalId: null, acks: 1, timeoutMs: 30000, topicData: [{ name: 'latency', partitionData: [{ index: 0, records: batch }] }] }],
  [fetchRequestSchema, 11, { replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 52428800, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'latency', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 1234, logStartOffset: -1, partitionMaxBytes: 1048576 }] }], forgottenTopicsData: [], rackId: '' }],
  [produceResponseSchema, 9, { responses: [{ name: 'latency', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 1234, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [], errorMessage: null }] }], throttleTimeMs: 0 }],
  [fetchResponseSchema, 11, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 'latency', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1235, lastStableOffset: 1235, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: batch }] }] }],
];

function nsPer(work: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) work();
  return Number(process.hrtime.bigint() - started) / PER_ROUND;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, node ${process.version}; ${PER_ROUND.toLocaleString('en-US')} messages per round, ${ROUNDS} rounds alternated, the first two dropped`);
for (const [schema, version, value] of messages) {
  const bytes = encodeMessage(schema, version, value).toBuffer();
  if (!encodeByInterpreter(schema, version, value).toBuffer().equals(bytes)) throw new Error(`${schema.name}: the two encoders disagree`);
  const times = { decodeCompiled: [] as number[], decodeInterpreted: [] as number[], encodeCompiled: [] as number[], encodeInterpreted: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const pairs: [keyof typeof times, () => void][] = [
      ['decodeCompiled', () => decodeMessage(schema, version, new Reader(bytes))],
      ['decodeInterpreted', () => decodeByInterpreter(schema, version, new Reader(bytes))],
      ['encodeCompiled', () => encodeMessage(schema, version, value)],
      ['encodeInterpreted', () => encodeByInterpreter(schema, version, value)],
    ];
    for (const [name, work] of round % 2 ? pairs.reverse() : pairs) {
      const ns = nsPer(work);
      if (round >= 2) times[name].push(ns);
    }
  }
  const [dc, di, ec, ei] = [times.decodeCompiled, times.decodeInterpreted, times.encodeCompiled, times.encodeInterpreted].map(median);
  console.log(`${`${schema.name} v${version}`.padEnd(20)} decode ${dc.toFixed(0)} ns, interpreter ${di.toFixed(0)} ns: ${(dc / di).toFixed(2)}   encode ${ec.toFixed(0)} ns, interpreter ${ei.toFixed(0)} ns: ${(ec / ei).toFixed(2)}`);
}
