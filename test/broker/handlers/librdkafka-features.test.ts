import { strict as assert } from 'node:assert';
import { apiVersionsRequestSchema, apiVersionsResponseSchema } from '../../../src/protocol/generated';
import { API_VERSIONS_KEY } from '../../../src/broker/handlers/18-api-versions';
import { brokerHandlers } from '../../../src/broker/handlers/registry';
import { answer, brokerStateOver } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

/**
 * librdkafka 2.0.2's feature map (src/rdkafka_feature.c, rd_kafka_feature_map): a feature is on when, for every
 * dependency, the broker's range for that API overlaps [min, max]. Its codec check (rdkafka_msgset_writer.c)
 * also needs Produce v0 for gzip and snappy (v0-0 must overlap), LZ4 the LZ4 feature, zstd the ZSTD feature
 * and Produce v7. Without them it sends the batch uncompressed, with one log line a day.
 */
type Dependency = [apiKey: number, min: number, max: number];
const PRODUCE = 0, FETCH = 1, LIST_OFFSETS = 2, OFFSET_COMMIT = 8, OFFSET_FETCH = 9, FIND_COORDINATOR = 10;
const JOIN_GROUP = 11, HEARTBEAT = 12, LEAVE_GROUP = 13, SYNC_GROUP = 14, SASL_HANDSHAKE = 17, API_VERSION = 18, INIT_PRODUCER_ID = 22, SASL_AUTHENTICATE = 36;
const FEATURES: Record<string, Dependency[]> = {
  MSGVER1: [[PRODUCE, 2, 2], [FETCH, 2, 2]],
  MSGVER2: [[PRODUCE, 3, 3], [FETCH, 4, 4]],
  APIVERSION: [[API_VERSION, 0, 0]],
  BROKER_GROUP_COORD: [[FIND_COORDINATOR, 0, 0]],
  BROKER_BALANCED_CONSUMER: [[FIND_COORDINATOR, 0, 0], [OFFSET_COMMIT, 1, 2], [OFFSET_FETCH, 1, 1], [JOIN_GROUP, 0, 0], [SYNC_GROUP, 0, 0], [HEARTBEAT, 0, 0], [LEAVE_GROUP, 0, 0]],
  THROTTLETIME: [[PRODUCE, 1, 2], [FETCH, 1, 2]],
  SASL_GSSAPI: [[JOIN_GROUP, 0, 0]],
  SASL_HANDSHAKE: [[SASL_HANDSHAKE, 0, 0]],
  LZ4: [[FIND_COORDINATOR, 0, 0]],
  OFFSET_TIME: [[LIST_OFFSETS, 1, 1]],
  IDEMPOTENT_PRODUCER: [[INIT_PRODUCER_ID, 0, 0]],
  ZSTD: [[PRODUCE, 7, 7], [FETCH, 10, 10]],
  SASL_AUTH_REQ: [[SASL_HANDSHAKE, 1, 1], [SASL_AUTHENTICATE, 0, 0]],
};
/** The codecs' own checks beside the features: Produce v0..N must overlap, and a feature. */
const CODECS: Record<string, { produce: number; feature?: string }> = {
  gzip: { produce: 0 }, snappy: { produce: 0 }, lz4: { produce: 0, feature: 'LZ4' }, zstd: { produce: 7, feature: 'ZSTD' },
};

describe('ApiVersions as librdkafka 2.0.2 reads it (rdkafka_feature.c)', () => {
  let served: Map<number, [number, number]>;
  before(async () => {
    const handler = brokerHandlers().find((h) => h.apiKey === API_VERSIONS_KEY);
    assert.ok(handler);
    const response = await answer(handler, { request: apiVersionsRequestSchema, response: apiVersionsResponseSchema }, 3, {}, brokerStateOver(new MemoryPartitionStore()));
    served = new Map(response.apiKeys.map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]));
  });
  const overlaps = ([key, min, max]: Dependency) => {
    const range = served.get(key);
    return range !== undefined && min <= range[1] && range[0] <= max;
  };
  const enabled = (feature: string) => FEATURES[feature].every(overlaps);

  it('no served API has a range that leaves out the version a librdkafka feature needs', () => {
    for (const [feature, dependencies] of Object.entries(FEATURES)) {
      for (const dependency of dependencies) {
        const range = served.get(dependency[0]);
        if (range === undefined) continue; // not served yet: the feature waits for it
        assert.ok(overlaps(dependency), `${feature}: API ${dependency[0]} served v${range[0]}-${range[1]} misses v${dependency[1]}-${dependency[2]}`);
      }
    }
  });

  it('turns on message formats v1 and v2, throttle times, offsets by time and zstd', () => {
    for (const feature of ['MSGVER1', 'MSGVER2', 'APIVERSION', 'THROTTLETIME', 'OFFSET_TIME', 'ZSTD']) assert.ok(enabled(feature), feature);
  });

  it('lets every codec through whose APIs are served (lz4 waits for FindCoordinator)', () => {
    for (const [codec, { produce, feature }] of Object.entries(CODECS)) {
      const waitsFor = feature ? FEATURES[feature].filter(([key]) => !served.has(key)).map(([key]) => key) : [];
      if (waitsFor.length > 0) continue;
      assert.ok(overlaps([PRODUCE, 0, produce]) && (feature === undefined || enabled(feature)), codec);
    }
    assert.ok(overlaps([PRODUCE, 0, 0]), 'gzip and snappy need Produce v0 in range: with v3+ only, librdkafka sends them uncompressed');
  });
});
